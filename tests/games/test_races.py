"""Issue 9 hole 3: check-then-write rules of games and assignments hold under concurrency.

Each test fires concurrent requests through the in-process client. On PostgreSQL each request
runs on its own connection, so the requests really interleave; SQLite serialises writers
(BEGIN IMMEDIATE) and proves only the sequential rule, so these tests run on PostgreSQL only.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.games.test_games import GAME, _site, setup_site
from tests.races import postgresql_only

pytestmark = postgresql_only

HOLDS = {"user_id": ["already holds a slot in this game"]}


ROUNDS = 5


async def _game(
    client: httpx.AsyncClient, site_id: int, headers: dict[str, str], n: int = 0
) -> Any:
    """A published game ten days ahead, at ``n`` hours past 8:00 (one per round)."""
    soon = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%d")
    created = await client.post(
        f"/api/v2/sites/{site_id}/games",
        json={**GAME, "localized_date": soon, "localized_time": f"{8 + n}:00", "is_public": True},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    return created.json()


async def _holders(client: httpx.AsyncClient, game_id: int, headers: dict[str, str]) -> list[Any]:
    listing = await client.get(f"/api/v2/games/{game_id}/assignments", headers=headers)
    return [a["official_id"] for a in listing.json()["_embedded"]["assignments"]]


def _one_winner(responses: list[httpx.Response]) -> None:
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [422] * (len(responses) - 1), [r.text for r in responses]
    for loser in (r for r in responses if r.status_code == 422):
        body = loser.json()
        assert body["error"] == "validation_failed"
        assert body["errors"] == HOLDS
        assert body["message"] == "Validation failed: User id already holds a slot in this game"


async def test_hole_3_one_official_on_two_slots_of_one_game(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Concurrent assigns of one official to the slots of one game: one wins, the rest get
    the sequential 422, and the game holds the official once."""
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    for n in range(ROUNDS):
        game = await _game(client, site_id, assignor.headers, n)
        slots = [a["id"] for a in game["_embedded"]["assignments"]]
        responses = await asyncio.gather(
            *(
                client.post(
                    f"/api/v2/assignments/{slot}/assign",
                    json={"user_id": alex.user.id},
                    headers=assignor.headers,
                )
                for slot in slots
            )
        )
        _one_winner(list(responses))
        assert (await _holders(client, game["id"], assignor.headers)).count(alex.user.id) == 1


async def test_hole_3_every_assign_form_races_against_the_others(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """The three assign forms and the edit form on different slots at once."""
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    for n in range(ROUNDS):
        game = await _game(client, site_id, assignor.headers, n)
        first, second, third = (a["id"] for a in game["_embedded"]["assignments"])
        responses = await asyncio.gather(
            client.post(
                f"/api/v2/assignments/{first}/assign",
                data={"user_id": str(alex.user.id)},
                headers=assignor.headers,
            ),
            client.patch(
                f"/api/v2/assignments/{second}",
                json={"user_id": alex.user.id},
                headers=assignor.headers,
            ),
            client.put(
                f"/api/v2/assignments/{third}",
                json={"user_id": alex.user.id},
                headers=assignor.headers,
            ),
        )
        _one_winner(list(responses))
        assert (await _holders(client, game["id"], assignor.headers)).count(alex.user.id) == 1
