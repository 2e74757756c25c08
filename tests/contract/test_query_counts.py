"""List endpoints issue a constant number of SQL statements whatever the page size."""

from __future__ import annotations

from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_site, create_token, create_user
from tests.support.queries import checkouts, counting


async def test_list_endpoints_use_constant_queries(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    account = await create_account(runtime, operator=True)
    for n in range(12):
        site = await create_site(runtime, name=f"S{n}")
        await create_user(runtime, site, account)
    headers = {"Authorization": f"Bearer {await create_token(runtime, account)}"}
    # The token's principal cached first, so both page sizes resolve it the same way.
    assert (await client.get("/api/v2/current_account", headers=headers)).status_code == 200
    for path in ("/api/v2/sites", "/api/v2/current_account/sites", "/api/v2/current_account/users"):
        counts = []
        for limit in (1, 12):
            with counting(runtime) as statements:
                resp = await client.get(f"{path}?limit={limit}", headers=headers)
            assert resp.status_code == 200
            assert resp.json()["page"]["limit"] == limit
            counts.append(len(statements))
        assert counts[0] == counts[1], (path, counts)


async def test_every_list_endpoint_uses_constant_queries(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Six records of each kind; limit=1 and limit=6 must issue the same number of statements."""
    from tests.factories import create_member
    from tests.support.games import GAME, future_day, setup_site

    site_id, assignor = await setup_site(client, runtime)
    a = assignor.headers
    site = await _site_of(runtime, site_id)
    official = await create_member(runtime, site)
    await client.put(
        f"/api/v2/sites/{site_id}",
        json={"show_game_requests": "true", "forms_enabled": "true"},
        headers=a,
    )
    template = (
        await client.post(
            f"/api/v2/sites/{site_id}/form/templates",
            json={"name": "R", "fields": [{"template_key": "x"}]},
            headers=a,
        )
    ).json()
    group = (
        await client.post(f"/api/v2/sites/{site_id}/groups", json={"name": "G0"}, headers=a)
    ).json()
    for n in range(6):
        await create_member(runtime, site)
        game = (
            await client.post(
                f"/api/v2/sites/{site_id}/games",
                json={
                    **GAME,
                    "localized_date": future_day(10 + n),
                    "is_public": "y",
                    "venue_name": f"Venue {n}",
                },
                headers=a,
            )
        ).json()
        slot = game["_embedded"]["assignments"][0]["id"]
        await client.post(
            f"/api/v2/assignments/{slot}/assign", json={"user_id": official.user.id}, headers=a
        )
        await client.post(
            f"/api/v2/users/{official.user.id}/availability",
            json={"date": future_day(10 + n)},
            headers=a,
        )
        await client.post(f"/api/v2/sites/{site_id}/leagues", json={"name": f"L{n}"}, headers=a)
        await client.post(f"/api/v2/sites/{site_id}/groups", json={"name": f"G{n + 1}"}, headers=a)
        await client.post(f"/api/v2/users/{official.user.id}/groups/{group['id']}", headers=a)
        await client.post(
            f"/api/v2/games/{game['id']}/game_reports", json={"text": "ok"}, headers=a
        )
        await client.post(
            f"/api/v2/form/templates/{template['id']}/submissions",
            json={"game_id": game["id"], "values": {".x": n}},
            headers=a,
        )
        await client.post(
            f"/api/v2/sites/{site_id}/patterns",
            json={"name": f"P{n}", "positions": ["Referee", "AR"]},
            headers=a,
        )
        await client.put(f"/api/v2/age_groups/{game['age_group_id']}", json={"fees": []}, headers=a)
    endpoints = [
        (f"/api/v2/sites/{site_id}/users", a),
        ("/api/v2/users", a),
        (f"/api/v2/users/{official.user.id}/availability", a),
        (f"/api/v2/sites/{site_id}/venues", a),
        (f"/api/v2/sites/{site_id}/leagues", a),
        (f"/api/v2/sites/{site_id}/groups", a),
        (f"/api/v2/sites/{site_id}/patterns", a),
        (f"/api/v2/groups/{group['id']}/users", a),
        (f"/api/v2/sites/{site_id}/game_reports", a),
        (f"/api/v2/form/templates/{template['id']}/submissions", a),
        (f"/api/v2/sites/{site_id}/games", a),
        ("/api/v2/current_account/games", official.headers),
    ]
    for headers in (a, official.headers):  # each token's principal cached first
        assert (await client.get("/api/v2/current_account", headers=headers)).status_code == 200
    for path, headers in endpoints:
        counts = []
        for limit in (1, 6):
            with counting(runtime) as statements:
                resp = await client.get(f"{path}?limit={limit}", headers=headers)
            assert resp.status_code == 200, (path, resp.text)
            assert resp.json()["page"]["limit"] == limit
            counts.append(len(statements))
        assert counts[0] == counts[1], (path, counts)


async def _site_of(runtime: Runtime, site_id: int) -> Any:
    from refdesk.server.sites.models import Site

    async with runtime.db.session() as session:
        return await session.get(Site, site_id)


async def test_a_read_uses_one_connection_for_token_and_endpoint(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """GET: the token lookup and the endpoint's reads share one session (one checkout, one
    transaction); a write opens its own write session (the token, used before, is cached)."""
    from tests.support.games import GAME, setup_site

    site_id, assignor = await setup_site(client, runtime)
    created = await client.post(
        f"/api/v2/sites/{site_id}/games", json={"game": GAME}, headers=assignor.headers
    )
    assert created.status_code == 201, created.text
    game = created.json()
    runtime.flags.refresh_seconds = 3600  # the maintenance flag is read at most once a second
    with checkouts(runtime) as taken, counting(runtime) as statements:
        resp = await client.get(f"/api/v2/games/{game['id']}", headers=assignor.headers)
    assert resp.status_code == 200
    assert resp.json()["_embedded"]["assignments"], "the game is represented in full"
    assert len(taken) == 1
    assert len(statements) <= 8, statements
    with checkouts(runtime) as taken:
        resp = await client.get("/api/v2/games/999999", headers=assignor.headers)
    assert resp.status_code == 404
    assert len(taken) == 1
    with checkouts(runtime) as taken:
        resp = await client.put(
            f"/api/v2/games/{game['id']}",
            json={"game": {"subvenue": "Field 3", "lock_version": game["lock_version"]}},
            headers=assignor.headers,
        )
    assert resp.status_code == 200, resp.text
    # Its own write session; the token's principal came from the cache (auth/token_cache.py):
    # no checkout for the lookup.
    assert len(taken) == 1
    # A bad token on a read: the session opened for the lookup is closed, and the next
    # request with a good token is served.
    resp = await client.get(
        f"/api/v2/games/{game['id']}", headers={"Authorization": "Bearer " + "0" * 64}
    )
    assert resp.status_code == 401
    resp = await client.get(f"/api/v2/games/{game['id']}", headers=assignor.headers)
    assert resp.status_code == 200
    assert resp.json()["subvenue"] == "Field 3"
