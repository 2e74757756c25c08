"""Issue 9 hole 3 as reported: two real server processes on PostgreSQL, and one official
assigned to two slots of one game at once through both. One assign wins; the other gets the
sequential 422, in every round."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.races import postgresql_only
from tests.support.scaleout import Spawn, setup_game

pytestmark = [pytest.mark.slow, postgresql_only]

ROUNDS = 5


async def test_hole_3_one_official_on_two_slots_across_two_processes(
    spawn: Spawn, runtime: Runtime
) -> None:
    first, second = await asyncio.gather(spawn(), spawn())
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    alex = await create_member(runtime, site)
    outcomes = []
    async with httpx.AsyncClient(timeout=60) as client:
        await setup_game(client, first.base_url, assignor, site.id)  # the pattern and names
        for n in range(ROUNDS):
            games = f"{first.base_url}/api/v2/sites/{site.id}/games"
            game = await client.post(
                games,
                json={
                    "localized_date": "10/11/2026",
                    "localized_time": f"{10 + n}:00",
                    "venue_name": "Riverside Park",
                    "home_team_name": "Hawks",
                    "away_team_name": "Falcons",
                    "age_group_name": "U12 Boys",
                    "pattern_name": "2 officials",
                },
                headers=assignor.headers,
            )
            assert game.status_code == 201, game.text
            slots = [a["id"] for a in game.json()["_embedded"]["assignments"]]
            responses = await asyncio.gather(
                *(
                    client.post(
                        f"{server.base_url}/api/v2/assignments/{slot}/assign",
                        json={"user_id": alex.user.id},
                        headers=assignor.headers,
                    )
                    for slot, server in zip(slots, (first, second), strict=True)
                )
            )
            outcomes.append(sorted(r.status_code for r in responses))
            for loser in (r for r in responses if r.status_code == 422):
                assert loser.json()["errors"] == {"user_id": ["already holds a slot in this game"]}
    assert outcomes == [[200, 422]] * ROUNDS, outcomes
