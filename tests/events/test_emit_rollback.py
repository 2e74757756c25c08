"""An event lives and dies with its change (contract §19.1: recorded in the same transaction):
a refused write, a request that fails after its service ran, and a service call whose
transaction rolls back leave no event behind."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from refdesk.server.assignments import service as assignments
from refdesk.server.assignments.schemas import parse_assign
from refdesk.server.errors import ValidationFailed
from refdesk.server.events.models import Event
from refdesk.server.games import router as games_router
from refdesk.server.games import service as games
from refdesk.server.games.schemas import parse_game_write
from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.events import events_after, last_event_id
from tests.support.games import load_site, make_game, setup_site
from tests.support.services import principal_of


async def test_refused_writes_record_nothing(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await load_site(runtime, site_id)
    alex = await create_member(runtime, site)
    game = await make_game(client, site_id, assignor.headers)
    slot = game["_embedded"]["assignments"][0]["id"]
    mark = await last_event_id(runtime)
    stale = await client.put(
        f"/api/v2/games/{game['id']}",
        json={"status": "X", "lock_version": game["lock_version"] + 1},
        headers=assignor.headers,
    )
    assert stale.status_code == 409
    invalid = await client.put(
        f"/api/v2/games/{game['id']}",
        json={"status": "Q", "subvenue": "Field 9"},
        headers=assignor.headers,
    )
    assert invalid.status_code == 422
    occupied = await client.post(
        f"/api/v2/assignments/{slot}/assign",
        json={"official_id": alex.user.id, "lock_version": 99},
        headers=assignor.headers,
    )
    assert occupied.status_code == 409
    refused = await client.post(
        f"/api/v2/users/{alex.user.id}/availability",
        json={"date": "2026-10-11", "start_time": "11:00", "end_time": "9:00"},
        headers=alex.headers,
    )
    assert refused.status_code == 422
    assert await events_after(runtime, mark) == []


async def test_a_request_failing_after_its_service_ran_records_nothing(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service changed the game and recorded ``game.cancelled``; the answer then fails
    with 422, so the request's transaction rolls back, events
    included. The failing representation stands for anything after the service (a failed
    commit, a lost race)."""
    site_id, assignor = await setup_site(client, runtime)
    game = await make_game(client, site_id, assignor.headers)
    seen: list[str] = []
    mark = await last_event_id(runtime)

    async def failing_document(session: Any, *_args: Any) -> dict[str, Any]:
        seen.extend(await session.scalars(select(Event.topic).where(Event.id > mark)))
        raise ValidationFailed({"base": ["refused after the change"]})

    monkeypatch.setattr(games_router, "game_document", failing_document)
    resp = await client.put(
        f"/api/v2/games/{game['id']}", json={"status": "X"}, headers=assignor.headers
    )
    assert resp.status_code == 422, resp.text
    assert seen == ["game.cancelled"]  # recorded, inside the request's transaction
    assert await events_after(runtime, mark) == []
    monkeypatch.undo()
    again = await client.get(f"/api/v2/games/{game['id']}", headers=assignor.headers)
    assert again.json()["status"] == "A"


@pytest.mark.parametrize("fail", [True, False], ids=["rolled-back", "committed"])
async def test_service_calls_in_a_transaction(
    client: httpx.AsyncClient, runtime: Runtime, fail: bool
) -> None:
    """As a worker or the CLI would call services: the events commit with the block, or not
    at all (the committed case shows the same calls do record)."""
    site_id, assignor = await setup_site(client, runtime)
    site = await load_site(runtime, site_id)
    alex = await create_member(runtime, site)
    game = await make_game(client, site_id, assignor.headers)
    slot = game["_embedded"]["assignments"][0]["id"]
    boss = principal_of(assignor)
    mark = await last_event_id(runtime)

    class Boom(Exception):
        pass

    with pytest.raises(Boom) if fail else nullcontext():
        async with runtime.db.transaction() as session:
            await games.update_game(session, boss, game["id"], parse_game_write({"status": "C"}))
            await assignments.assign(session, boss, slot, parse_assign({"user_id": alex.user.id}))
            await session.flush()
            if fail:
                raise Boom
    topics = [e[0] for e in await events_after(runtime, mark)]
    assert topics == ([] if fail else ["game.cancelled", "game.official.changed"])
