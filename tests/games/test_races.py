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
from tests.support.games import GAME, setup_site
from tests.support.games import load_site as _site
from tests.support.races import postgresql_only

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


async def _requests_site(client: httpx.AsyncClient, runtime: Runtime, **flags: Any) -> Any:
    site_id, assignor = await setup_site(
        client, runtime, use_abilities=False, use_availability=False
    )
    settings = {"show_game_requests": "true", **flags}
    changed = await client.put(f"/api/v2/sites/{site_id}", json=settings, headers=assignor.headers)
    assert changed.status_code == 200, changed.text
    return site_id, assignor, await _site(runtime, site_id)


async def test_hole_3_duplicate_pending_requests_at_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor, site = await _requests_site(client, runtime)
    alex = await create_member(runtime, site)
    game = await _game(client, site_id, assignor.headers)
    responses = await asyncio.gather(
        *(
            client.post("/api/v2/game_requests", json={"game_id": game["id"]}, headers=alex.headers)
            for _ in range(6)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [422] * 5, [r.text for r in responses]
    for loser in (r for r in responses if r.status_code == 422):
        assert loser.json()["errors"] == {"base": ["has already been requested"]}


async def test_hole_3_approval_races_an_assign_of_the_same_official(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor, site = await _requests_site(client, runtime)
    alex = await create_member(runtime, site)
    for n in range(ROUNDS):
        game = await _game(client, site_id, assignor.headers, n)
        request = await client.post(
            "/api/v2/game_requests", json={"game_id": game["id"]}, headers=alex.headers
        )
        assert request.status_code == 201, request.text
        last_slot = game["_embedded"]["assignments"][-1]["id"]
        approve, assign = await asyncio.gather(
            client.post(
                f"/api/v2/game_requests/{request.json()['id']}/approve", headers=assignor.headers
            ),
            client.post(
                f"/api/v2/assignments/{last_slot}/assign",
                json={"user_id": alex.user.id},
                headers=assignor.headers,
            ),
        )
        _one_winner([approve, assign])
        assert (await _holders(client, game["id"], assignor.headers)).count(alex.user.id) == 1
        stored = await client.get(
            f"/api/v2/game_requests/{request.json()['id']}", headers=assignor.headers
        )
        assert stored.json()["status"] == ("approved" if approve.status_code == 200 else "pending")


async def test_hole_3_self_assign_races_an_assign_of_the_same_official(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """With allow_self_assign, a request fills a slot at once; racing an assign of the same
    official, the official ends on one slot and the losing request stays pending."""
    site_id, assignor, site = await _requests_site(client, runtime, allow_self_assign="true")
    alex = await create_member(runtime, site)
    for n in range(ROUNDS):
        game = await _game(client, site_id, assignor.headers, n)
        last_slot = game["_embedded"]["assignments"][-1]["id"]
        request, assign = await asyncio.gather(
            client.post(
                "/api/v2/game_requests", json={"game_id": game["id"]}, headers=alex.headers
            ),
            client.post(
                f"/api/v2/assignments/{last_slot}/assign",
                json={"user_id": alex.user.id},
                headers=assignor.headers,
            ),
        )
        assert request.status_code == 201, request.text
        assert assign.status_code in (200, 422), assign.text
        assert (await _holders(client, game["id"], assignor.headers)).count(alex.user.id) == 1
        if assign.status_code == 422:
            assert assign.json()["errors"] == HOLDS
            assert request.json()["status"] == "approved"
        else:
            assert request.json()["status"] == "pending"


async def test_hole_3_games_moved_to_one_venue_and_time_at_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """The duplicate-game rule (same venue, time and subvenue) against concurrent updates of
    different games; and user_defined_id, whose unique index made the losers a 500."""
    site_id, assignor = await setup_site(client, runtime)
    games = [(await _game(client, site_id, assignor.headers, n))["id"] for n in range(1, 6)]
    for change, errors in (
        (
            {"localized_time": "7:00"},
            {"base": ["A game already exists at this venue, date and time"]},
        ),
        ({"user_defined_id": "G-1"}, {"user_defined_id": ["has already been taken"]}),
    ):
        responses = await asyncio.gather(
            *(
                client.put(f"/api/v2/games/{g}", json=change, headers=assignor.headers)
                for g in games
            )
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] + [422] * (len(games) - 1), [r.text for r in responses]
        assert all(r.json()["errors"] == errors for r in responses if r.status_code == 422)
