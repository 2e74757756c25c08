"""The assignment rules called directly with typed inputs, as a web page, worker or CLI would:
the decline cut-off (§16.4) and the ``lock_version`` compare (§12) against a real session."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from refdesk.server.assignments import service
from refdesk.server.assignments.models import Assignment
from refdesk.server.assignments.schemas import (
    AssignInput,
    EditInput,
    RespondInput,
    UnassignInput,
    parse_assign,
    parse_decline,
)
from refdesk.server.errors import Conflict, Forbidden, ValidationFailed
from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member
from tests.support.games import load_site as _site
from tests.support.games import make_game, setup_site
from tests.support.services import principal_of


async def held_slot(
    client: httpx.AsyncClient, runtime: Runtime, **site: Any
) -> tuple[int, Member, Member]:
    """A published game 20 days out whose first slot the assignor gave to an official, through
    the service with a typed input; the slot's id, the assignor and the official."""
    site_id, assignor = await setup_site(client, runtime, use_abilities=False, **site)
    official = await create_member(runtime, await _site(runtime, site_id), official=True)
    game = await make_game(client, site_id, assignor.headers)
    slot_id = int(game["_embedded"]["assignments"][0]["id"])
    async with runtime.db.transaction() as session:
        slot, _, _ = await service.assign(
            session, principal_of(assignor), slot_id, AssignInput(official_id=official.user.id)
        )
        assert slot.official_id == official.user.id
    return slot_id, assignor, official


async def lock_version_of(runtime: Runtime, slot_id: int) -> int:
    async with runtime.db.session() as session:
        slot = await session.get(Assignment, slot_id)
        assert slot is not None
        return slot.lock_version


async def test_the_holder_cannot_decline_inside_the_cut_off(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # 20 days = 480 hours before the game, inside a cut-off of 720 hours.
    slot_id, assignor, official = await held_slot(client, runtime, decline_cutoff_hours=720)
    decline = RespondInput(accept=False, reason="Out of town")
    with pytest.raises(ValidationFailed) as refused:
        async with runtime.db.transaction() as session:
            await service.respond(session, principal_of(official), slot_id, decline)
    assert refused.value.errors == {
        "base": ["can't be declined less than 720 hours before the game; contact your assignor"]
    }
    # Accepting is not limited; the assignor declines for the official at any time.
    async with runtime.db.transaction() as session:
        slot, _, _ = await service.respond(
            session, principal_of(official), slot_id, RespondInput(accept=True)
        )
        assert (slot.accepted, slot.declined) == (True, False)
    async with runtime.db.transaction() as session:
        slot, _, _ = await service.respond(session, principal_of(assignor), slot_id, decline)
        assert (slot.accepted, slot.declined, slot.decline_reason) == (
            False,
            True,
            "Out of town",
        )
    # Once declined, the holder may say so again (nothing changes).
    async with runtime.db.transaction() as session:
        slot, _, _ = await service.respond(
            session, principal_of(official), slot_id, RespondInput(accept=False)
        )
        assert slot.decline_reason == "Out of town"


async def test_the_holder_declines_before_the_cut_off(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id, _, official = await held_slot(client, runtime)  # default cut-off: 36 hours
    async with runtime.db.transaction() as session:
        slot, _, _ = await service.respond(
            session, principal_of(official), slot_id, parse_decline({"reason": "  Sick  "})
        )
        assert (slot.declined, slot.decline_reason) == (True, "Sick")
    # The edit form of the answer follows the same rule.
    async with runtime.db.transaction() as session:
        slot, _, _ = await service.edit(
            session, principal_of(official), slot_id, EditInput(accepted=True)
        )
        assert (slot.accepted, slot.declined, slot.decline_reason) == (True, False, None)


async def test_only_the_holder_answers(client: httpx.AsyncClient, runtime: Runtime) -> None:
    slot_id, _, _ = await held_slot(client, runtime)
    stranger = await create_member(
        runtime, await _site(runtime, await _site_of(runtime, slot_id)), official=True
    )
    with pytest.raises(Forbidden):
        async with runtime.db.transaction() as session:
            await service.respond(
                session, principal_of(stranger), slot_id, RespondInput(accept=True)
            )


async def _site_of(runtime: Runtime, slot_id: int) -> int:
    from refdesk.server.games.models import Game

    async with runtime.db.session() as session:
        slot = await session.get(Assignment, slot_id)
        assert slot is not None
        game = await session.get(Game, slot.game_id)
        assert game is not None
        return game.site_id


async def test_lock_version_is_compared_with_what_the_client_saw(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id, assignor, official = await held_slot(client, runtime)
    seen = await lock_version_of(runtime, slot_id)
    with pytest.raises(Conflict) as stale:
        async with runtime.db.transaction() as session:
            await service.respond(
                session,
                principal_of(official),
                slot_id,
                RespondInput(accept=True, lock_version=seen - 1),
            )
    assert stale.value.current_lock_version == seen
    async with runtime.db.transaction() as session:
        await service.respond(
            session, principal_of(official), slot_id, RespondInput(accept=True, lock_version=seen)
        )
    assert await lock_version_of(runtime, slot_id) == seen + 1
    # The same value again is now stale, for every form that carries it.
    stale_inputs: list[EditInput | UnassignInput | AssignInput] = [
        EditInput(lock_version=seen),
        UnassignInput(lock_version=seen),
        AssignInput(official_id=official.user.id, lock_version=seen),
    ]
    for inp in stale_inputs:
        with pytest.raises(Conflict):
            async with runtime.db.transaction() as session:
                who = principal_of(assignor)
                if isinstance(inp, EditInput):
                    await service.edit(session, who, slot_id, inp)
                elif isinstance(inp, UnassignInput):
                    await service.unassign(session, who, slot_id, inp)
                else:
                    await service.assign(session, who, slot_id, inp)
    # An answer already given changes nothing: no write, no new lock_version.
    async with runtime.db.transaction() as session:
        await service.respond(
            session,
            principal_of(official),
            slot_id,
            RespondInput(accept=True, lock_version=seen + 1),
        )
    assert await lock_version_of(runtime, slot_id) == seen + 1


async def test_an_unreadable_lock_version_is_reported_alone_before_the_compare(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id, assignor, _ = await held_slot(client, runtime)
    inp = parse_assign({"lock_version": "soon", "user_id": "", "accepted": "perhaps"})
    assert inp.errors().errors == {
        "lock_version": ["is not a number"],
        "user_id": ["can't be blank"],
        "accepted": ["is not a valid boolean"],
    }
    with pytest.raises(ValidationFailed) as refused:
        async with runtime.db.transaction() as session:
            await service.assign(session, principal_of(assignor), slot_id, inp)
    assert refused.value.errors == {"lock_version": ["is not a number"]}
    # Then the missing official, alone; then the rest together.
    inp = parse_assign({"user_id": " ", "accepted": "perhaps"})
    with pytest.raises(ValidationFailed) as refused:
        async with runtime.db.transaction() as session:
            await service.assign(session, principal_of(assignor), slot_id, inp)
    assert refused.value.errors == {"user_id": ["can't be blank"]}
    inp = parse_assign({"official_id": "x", "accepted": "perhaps"})
    with pytest.raises(ValidationFailed) as refused:
        async with runtime.db.transaction() as session:
            await service.assign(session, principal_of(assignor), slot_id, inp)
    assert refused.value.errors == {
        "accepted": ["is not a valid boolean"],
        "official_id": ["is not a number"],
    }
