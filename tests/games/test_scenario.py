"""The assigning week, end to end through HTTP (issue 3 scenario)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import GAME, setup_site
from tests.support.games import load_site as _site
from tests.support.queries import counting


async def test_assignor_week(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime, use_abilities=False)
    a = assignor.headers
    site = await _site(runtime, site_id)
    officials = [
        await create_member(runtime, site, first_name=f"Ref{n}", last_name="Pool") for n in range(6)
    ]
    monday = (datetime.now(UTC) + timedelta(days=14 - datetime.now(UTC).weekday())).date()
    for official in officials:
        for offset in range(7):
            await client.post(
                f"/api/v2/users/{official.user.id}/availability",
                json={"date": str(monday + timedelta(days=offset))},
                headers=official.headers,
            )

    # 1. A week of games.
    games = []
    for offset in range(7):
        resp = await client.post(
            f"/api/v2/sites/{site_id}/games",
            json={
                **GAME,
                "localized_date": (monday + timedelta(days=offset)).strftime("%m/%d/%Y"),
                "home_team_name": f"Home {offset}",
                "away_team_name": f"Away {offset}",
            },
            headers=a,
        )
        assert resp.status_code == 201, resp.text
        games.append(resp.json())

    # 2. Fill every slot with the first conflict-free candidate not already on the game
    #    (the contract lists every official; holding another slot of the same game is no code,
    #    but assigning such an official is refused).
    for game in games:
        on_game: set[int] = set()
        for slot in game["_embedded"]["assignments"]:
            listing = (
                await client.get(
                    f"/api/v2/assignments/{slot['id']}/candidates?search[ok]=true", headers=a
                )
            ).json()
            best = next(
                c for c in listing["_embedded"]["candidates"] if c["user_id"] not in on_game
            )
            on_game.add(best["user_id"])
            assert best["conflicts"] == []
            href = best["_links"]["assign"]["href"].replace("https://testserver", "")
            resp = await client.post(href, json={"user_id": best["user_id"]}, headers=a)
            assert resp.status_code == 200, resp.text

    # 3. Publish the week.
    for game in games:
        resp = await client.put(
            f"/api/v2/games/{game['id']}",
            json={"is_public": "y", "lock_version": game["lock_version"]},
            headers=a,
        )
        assert resp.status_code == 200

    # 4. An official accepts one slot and declines another, via the links it is given.
    official = officials[0]
    mine = (await client.get("/api/v2/current_account/games", headers=official.headers)).json()
    assert mine["page"]["records"] >= 2
    my_slots = [
        s
        for g in mine["_embedded"]["games"]
        for s in g["_embedded"]["assignments"]
        if s["official_id"] == official.user.id
    ]
    first, second = my_slots[:2]
    accepted = await client.post(
        first["_links"]["accept"]["href"].replace("https://testserver", ""),
        headers=official.headers,
    )
    declined = await client.post(
        second["_links"]["decline"]["href"].replace("https://testserver", ""),
        json={"reason": "Family event"},
        headers=official.headers,
    )
    assert accepted.status_code == 200 and declined.status_code == 200

    # 5. The assignor sees the states.
    week = (
        await client.get(
            f"/api/v2/sites/{site_id}/games?search[start_date]={monday}"
            f"&search[end_date]={monday + timedelta(days=6)}",
            headers=a,
        )
    ).json()
    states = {
        s["id"]: (s["accepted"], s["declined"], s.get("decline_reason"))
        for g in week["_embedded"]["games"]
        for s in g["_embedded"]["assignments"]
    }
    assert states[first["id"]] == (True, False, None)
    assert states[second["id"]] == (False, True, "Family event")
    assert week["page"]["records"] == 7

    # 6. Two assignors edit the same game with the same lock_version: one 409.
    target = week["_embedded"]["games"][0]
    results = await asyncio.gather(
        *(
            client.patch(
                f"/api/v2/games/{target['id']}",
                json={"subvenue": name, "lock_version": target["lock_version"]},
                headers=a,
            )
            for name in ("North", "South")
        )
    )
    assert sorted(r.status_code for r in results) == [200, 409]


async def test_game_list_queries_do_not_grow_with_page_size(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    official = await create_member(runtime, site)
    for day in range(1, 13):
        game = (
            await client.post(
                f"/api/v2/sites/{site_id}/games",
                json={**GAME, "localized_date": f"2026-10-{day:02d}", "is_public": "y"},
                headers=assignor.headers,
            )
        ).json()
        await client.post(
            f"/api/v2/assignments/{game['_embedded']['assignments'][0]['id']}/assign",
            json={"user_id": official.user.id},
            headers=assignor.headers,
        )
    paths = [
        f"/api/v2/sites/{site_id}/games",
        "/api/v2/current_account/games",
        f"/api/v2/users/{official.user.id}/games",
        f"/api/v2/sites/{site_id}/games/officials/unassigned",
    ]
    for headers in (official.headers, assignor.headers):  # each token's principal cached first
        assert (await client.get("/api/v2/current_account", headers=headers)).status_code == 200
    for path in paths:
        counts = []
        for limit in (1, 12):
            with counting(runtime) as statements:
                headers = official.headers if "current_account" in path else assignor.headers
                resp = await client.get(f"{path}?limit={limit}", headers=headers)
            assert resp.status_code == 200, (path, resp.text)
            assert len(resp.json()["_embedded"]["games"]) == limit
            counts.append(len(statements))
        assert counts[0] == counts[1], (path, counts)
