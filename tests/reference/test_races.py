"""Issue 9 hole 3: reference names unique per site (and found-or-created by name) under
concurrent writes. PostgreSQL only (see tests/support/races.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.games import GAME, setup_site
from tests.support.races import postgresql_only

pytestmark = postgresql_only

N = 6
TAKEN = {"name": ["has already been taken"]}


def _statuses(responses: Any) -> list[int]:
    return sorted(r.status_code for r in responses)


async def _names(client: httpx.AsyncClient, url: str, key: str, headers: Any) -> list[str]:
    listing = (await client.get(f"{url}?limit=50", headers=headers)).json()
    return [r["name"] for r in listing["_embedded"][key]]


async def test_hole_3_one_new_name_created_at_once_is_taken(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    url = f"/api/v2/sites/{site.id}/teams"
    responses = await asyncio.gather(
        *(
            client.post(url, json={"name": "hawks" if n % 2 else "Hawks"}, headers=assignor.headers)
            for n in range(N)
        )
    )
    assert _statuses(responses) == [201] + [422] * (N - 1), [r.text for r in responses]
    assert all(r.json()["errors"] == TAKEN for r in responses if r.status_code == 422)
    assert len(await _names(client, url, "teams", assignor.headers)) == 1


async def test_hole_3_two_venues_renamed_to_one_name_at_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Venues carry lock_version: the index refused the rename inside the versioned update,
    which was a 500."""
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    url = f"/api/v2/sites/{site.id}/venues"
    ids = [
        (await client.post(url, json={"name": f"Field {n}"}, headers=assignor.headers)).json()["id"]
        for n in range(N)
    ]
    responses = await asyncio.gather(
        *(
            client.put(f"/api/v2/venues/{i}", json={"name": "Main Park"}, headers=assignor.headers)
            for i in ids
        )
    )
    assert _statuses(responses) == [200] + [422] * (N - 1), [r.text for r in responses]
    assert all(r.json()["errors"] == TAKEN for r in responses if r.status_code == 422)
    assert (await _names(client, url, "venues", assignor.headers)).count("Main Park") == 1


async def test_hole_3_patterns_naming_one_new_position_at_once_share_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """A position named in a pattern is found or created: concurrent patterns naming the
    same new position all succeed and share one position (the second insert was a 500)."""
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    responses = await asyncio.gather(
        *(
            client.post(
                f"/api/v2/sites/{site.id}/patterns",
                json={"name": f"Crew {n}", "positions": ["Line Judge", "Umpire"]},
                headers=assignor.headers,
            )
            for n in range(N)
        )
    )
    assert _statuses(responses) == [201] * N, [r.text for r in responses]
    assert len({tuple(p["position_id"] for p in r.json()["positions"]) for r in responses}) == 1
    positions = await _names(
        client, f"/api/v2/sites/{site.id}/positions", "positions", assignor.headers
    )
    assert sorted(positions) == ["Line Judge", "Umpire"]


async def test_hole_3_games_naming_one_new_team_at_once_share_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Game updates find or create teams by name (§16.2): concurrent updates of different
    games naming one new team all succeed and share it."""
    site_id, assignor = await setup_site(client, runtime)
    games = []
    for n in range(N):
        created = await client.post(
            f"/api/v2/sites/{site_id}/games",
            json={**GAME, "localized_time": f"{8 + n}:00"},
            headers=assignor.headers,
        )
        assert created.status_code == 201, created.text
        games.append(created.json()["id"])
    for team, league in (("Eagles", "Bay League"), ("Owls", "Cup")):
        responses = await asyncio.gather(
            *(
                client.put(
                    f"/api/v2/games/{g}",
                    json={"home_team_name": team, "league_name": league},
                    headers=assignor.headers,
                )
                for g in games
            )
        )
        assert _statuses(responses) == [200] * N, [r.text for r in responses]
        assert len({r.json()["home_team_id"] for r in responses}) == 1
        assert len({r.json()["league_id"] for r in responses}) == 1
