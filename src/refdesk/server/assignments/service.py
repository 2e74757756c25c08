"""Assignment rules (contract §16.4): assign, unassign, accept, decline, confirm, edit.

Every rule takes a typed input of :mod:`.schemas`; the access checks of §5 run first, then
the input's problems are raised in the stages of §16.4 (``lock_version`` before the 409
compare, a missing official alone, …), together with the checks that need the database.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.candidates import Candidate, candidates_for, filter_candidates
from refdesk.server.assignments.models import Assignment
from refdesk.server.assignments.schemas import (
    MAX_REASON,
    AssignInput,
    CandidatesQuery,
    EditInput,
    RespondInput,
    SlotsQuery,
    UnassignInput,
)
from refdesk.server.assignments.slot_events import SlotState, slot_changed
from refdesk.server.auth.principal import Principal
from refdesk.server.db.base import utcnow
from refdesk.server.db.locking import apply_changes, check_lock_version
from refdesk.server.db.unique import unique_rule
from refdesk.server.errors import ErrorCollector, Forbidden, NotFound, ValidationFailed
from refdesk.server.games.bundle import GameLike
from refdesk.server.games.models import Game
from refdesk.server.games.service import VACANT, can_see, load_game, read_game_row
from refdesk.server.inputs import UNSET, Input
from refdesk.server.reference.models import GroupMembership
from refdesk.server.sites.access import Membership, check_id
from refdesk.server.users.models import User

__all__ = [
    "HOLDS_A_SLOT",
    "MAX_REASON",
    "assign",
    "assign_to_game",
    "edit",
    "game_slots",
    "holds_a_slot",
    "list_candidates",
    "load_assignment",
    "read_assignment",
    "respond",
    "unassign",
]

HOLDS_A_SLOT = "already holds a slot in this game"
Slot = tuple[Assignment, Game, Membership]


def holds_a_slot(field: str) -> dict[str, list[str]]:
    """The 422 of §16.4 when the official holds another slot of the game; a concurrent assign
    that passed the check is refused by the unique index with the same answer."""
    return {field: [HOLDS_A_SLOT]}


async def load_assignment(
    session: AsyncSession, principal: Principal, assignment_id: int, *, for_update: bool = False
) -> Slot:
    check_id(assignment_id)
    assignment = await session.get(Assignment, assignment_id, with_for_update=for_update)
    if assignment is None:
        raise NotFound()
    game, member = await load_game(session, principal, assignment.game_id)
    return assignment, game, member


async def read_assignment(session: AsyncSession, principal: Principal, assignment_id: int) -> Slot:
    assignment, game, member = await load_assignment(session, principal, assignment_id)
    if not await can_see(session, member, game):
        raise Forbidden("This game is not visible to you")
    return assignment, game, member


async def game_slots(
    session: AsyncSession, principal: Principal, game_id: int, query: SlotsQuery
) -> tuple[GameLike, Membership]:
    """A game whose slots the caller may list (``query`` only carries the page); read as a
    row of its columns."""
    game, member = await read_game_row(session, principal, game_id)
    query.raise_if_invalid()
    return game, member


def _check_lock(slot: Assignment, inp: Input, expected: int | None) -> None:
    """§12: an unreadable ``lock_version`` is 422 on its own, a stale one 409."""
    inp.errors_of("lock_version").raise_if_any()
    check_lock_version(slot, expected)


async def _official_check(
    session: AsyncSession,
    game: Game,
    field: str,
    user_id: int,
    errors: ErrorCollector,
    slot: Assignment | None,
) -> bool:
    """The rules of §16.4 for the user to put on a slot: an active official of the game's
    site holding no other slot of the game. False (with the message) when it fails."""
    user = await session.get(User, user_id)
    if user is None or user.site_id != game.site_id or not user.official or not user.active:
        errors.add(field, "must be an active official of this site")
        return False
    other = select(Assignment.id).where(
        Assignment.game_id == game.id, Assignment.official_id == user_id
    )
    if slot is not None:
        other = other.where(Assignment.id != slot.id)
    if await session.scalar(other.limit(1)):
        errors.add(field, HOLDS_A_SLOT)
        return False
    return True


async def assign(
    session: AsyncSession, principal: Principal, assignment_id: int, inp: AssignInput
) -> Slot:
    slot, game, member = await load_assignment(session, principal, assignment_id, for_update=True)
    member.require(member.administers, "assign officials")
    _check_lock(slot, inp, inp.lock_version)
    before = SlotState.of(slot)
    field = inp.official_field
    if inp.official_blank:
        inp.errors_of(field).raise_if_any()
    errors = inp.errors_of("accepted", field)
    if inp.official_id is not None:
        await _official_check(session, game, field, inp.official_id, errors, slot)
    errors.raise_if_any()
    async with unique_rule(session, holds_a_slot(field)):
        await _put_on(session, slot, inp.official_id, inp.accepted, inp.lock_version)
    _record(session, slot, game, before, principal)
    return slot, game, member


async def _put_on(
    session: AsyncSession,
    slot: Assignment,
    official: int | None,
    accepted: bool,
    expected: int | None,
) -> None:
    if slot.official_id == official and slot.accepted == accepted and not slot.declined:
        return
    await apply_changes(
        session,
        slot,
        {"official_id": official, "accepted": accepted, "declined": False, "decline_reason": None},
        expected,
    )


async def assign_to_game(
    session: AsyncSession, principal: Principal, game_id: int, inp: AssignInput
) -> Slot:
    """The first vacant slot (of ``position_id``, if given) gets the official."""
    game, member = await load_game(session, principal, game_id, for_update=True)
    member.require(member.administers, "assign officials")
    field = inp.official_field
    inp.errors_of(field if inp.official_blank else None, "position_id").raise_if_any()
    errors = inp.errors_of(field)
    if inp.official_id is not None:
        await _official_check(session, game, field, inp.official_id, errors, None)
    errors.raise_if_any()
    statement = select(Assignment).where(
        Assignment.game_id == game.id, Assignment.official_id.is_(None)
    )
    if inp.position_id is not None:
        statement = statement.where(Assignment.position_id == inp.position_id)
    slot = await session.scalar(
        statement.order_by(Assignment.sort_order, Assignment.id).limit(1).with_for_update()
    )
    if slot is None:
        key = "position_id" if inp.position_id is not None else "base"
        raise ValidationFailed({key: ["has no vacant slot"]})
    inp.errors_of("accepted").raise_if_any()
    before = SlotState.of(slot)
    async with unique_rule(session, holds_a_slot(field)):
        await _put_on(session, slot, inp.official_id, inp.accepted, None)
    _record(session, slot, game, before, principal)
    return slot, game, member


async def unassign(
    session: AsyncSession, principal: Principal, assignment_id: int, inp: UnassignInput
) -> Slot:
    slot, game, member = await load_assignment(session, principal, assignment_id, for_update=True)
    member.require(member.administers, "unassign officials")
    _check_lock(slot, inp, inp.lock_version)
    if slot.official_id is not None:
        before = SlotState.of(slot)
        await apply_changes(session, slot, dict(VACANT), inp.lock_version)
        _record(session, slot, game, before, principal)
    return slot, game, member


async def _require_holder(
    session: AsyncSession, member: Membership, slot: Assignment, game: Game
) -> None:
    """§5 step 15 for a caller who does not administer the site: the game must be visible to
    it (as for GET) and it must hold the slot; both are checked before ``lock_version``."""
    if member.administers:
        return
    if not await can_see(session, member, game):
        raise Forbidden("This game is not visible to you")
    if member.user is None or member.user.id != slot.official_id:
        raise Forbidden("Only the official holding this slot may respond to it")


def _respond_rules(slot: Assignment, game: Game, member: Membership, declining: bool) -> None:
    """§5 step 18, after :func:`_require_holder` and the ``lock_version`` check: a held slot,
    and for officials the site's decline cut-off."""
    if slot.official_id is None:
        raise ValidationFailed({"base": ["no official is assigned to this slot"]})
    if member.administers:
        return
    cutoff = member.site.decline_cutoff_hours
    if declining and not slot.declined and utcnow() > game.start_time - timedelta(hours=cutoff):
        raise ValidationFailed(
            {
                "base": [
                    f"can't be declined less than {cutoff} hours before the game; "
                    "contact your assignor"
                ]
            }
        )


async def respond(
    session: AsyncSession, principal: Principal, assignment_id: int, inp: RespondInput
) -> Slot:
    """Accept or decline (``inp.accept``; the compatibility form's ``status`` problem is
    raised after the lock check); an answer already given changes nothing."""
    slot, game, member = await load_assignment(session, principal, assignment_id, for_update=True)
    await _require_holder(session, member, slot, game)
    _check_lock(slot, inp, inp.lock_version)
    inp.errors_of("status").raise_if_any()
    accept = inp.accept
    if accept is None:  # a status problem is always recorded; kept for direct callers
        raise ValidationFailed({"status": ["is not included in the list"]})
    _respond_rules(slot, game, member, declining=not accept)
    changes: dict[str, Any]
    if accept:
        changes = {"accepted": True, "declined": False, "decline_reason": None}
    else:
        inp.errors_of(inp.reason_field).raise_if_any()
        changes = {"accepted": False, "declined": True, "decline_reason": inp.reason}
        if slot.declined and inp.reason is None:
            changes.pop("decline_reason")
    before = SlotState.of(slot)
    await apply_changes(session, slot, changes, inp.lock_version)
    _record(session, slot, game, before, principal)
    return slot, game, member


async def edit(
    session: AsyncSession, principal: Principal, assignment_id: int, inp: EditInput
) -> Slot:
    """PUT/PATCH: assignors and managers edit everything; the holder only answers."""
    slot, game, member = await load_assignment(session, principal, assignment_id, for_update=True)
    await _require_holder(session, member, slot, game)
    if not member.administers and inp.admin_field is not None:
        raise Forbidden(f"You may not change the field {inp.admin_field}")
    _check_lock(slot, inp, inp.lock_version)
    inp.errors_of("accepted", "declined").raise_if_any()
    accepted, declined = inp.accepted, inp.declined
    if accepted is True and declined is True:
        raise ValidationFailed({"base": ["can't be both accepted and declined"]})
    changes: dict[str, Any] = {}
    field = inp.official_field
    errors = ErrorCollector()
    if member.administers and field is not None:
        errors = inp.errors_of(field)
        official = inp.official_id
        if official is None:
            changes.update(VACANT)
        elif (
            official is not UNSET
            and await _official_check(session, game, field, official, errors, slot)
            and official != slot.official_id
        ):
            changes.update(
                {
                    "official_id": official,
                    "accepted": False,
                    "declined": False,
                    "decline_reason": None,
                }
            )
    if member.administers:
        _merge(errors, inp.errors_of("fee"))
        if inp.fee is not UNSET:
            changes["fee"] = inp.fee
    _merge(errors, inp.errors_of(inp.reason_field))
    answering = accepted is not None or declined is not None or inp.reason_sent
    if answering:
        if changes.get("official_id", slot.official_id) is None:
            raise ValidationFailed({"base": ["no official is assigned to this slot"]})
        if not member.administers:
            _respond_rules(slot, game, member, declining=declined is True)
        if accepted is True:
            changes.update({"accepted": True, "declined": False, "decline_reason": None})
        elif declined is True:
            changes.update({"accepted": False, "declined": True})
        else:
            if accepted is False:
                changes["accepted"] = False
            if declined is False:
                changes["declined"] = False
        if inp.decline_reason is not UNSET and accepted is not True:
            changes["decline_reason"] = inp.decline_reason
    errors.raise_if_any()
    before = SlotState.of(slot)
    async with unique_rule(session, holds_a_slot(field or "official_id")):
        await apply_changes(session, slot, changes, inp.lock_version)
    _record(session, slot, game, before, principal)
    return slot, game, member


def _record(
    session: AsyncSession, slot: Assignment, game: Game, before: SlotState, principal: Principal
) -> None:
    """The §19.1 events of the write, in its transaction (after it: a lost race records none)."""
    slot_changed(session, slot, game.site_id, before, principal.account_id)


def _merge(into: ErrorCollector, other: ErrorCollector) -> None:
    for field, messages in other.errors.items():
        for message in messages:
            into.add(field, message)


async def list_candidates(
    session: AsyncSession, principal: Principal, assignment_id: int, query: CandidatesQuery
) -> tuple[Assignment, list[Candidate], int]:
    """The page of candidates (§16.5) and their total after the filters."""
    slot, found = await every_candidate(session, principal, assignment_id, query)
    page = query.page
    return slot, found[page.offset : page.offset + page.limit], len(found)


async def every_candidate(
    session: AsyncSession, principal: Principal, assignment_id: int, query: CandidatesQuery
) -> tuple[Assignment, list[Candidate]]:
    """Every candidate after the filters, in the API's order (``query.page`` is ignored): the
    web panel shows them all in one computation instead of one per page."""
    slot, game, member = await load_assignment(session, principal, assignment_id)
    member.require(member.administers, "see candidates")
    query.raise_if_invalid()
    members: set[int] | None = None
    if query.group_id is not None:
        members = set(
            await session.scalars(
                select(GroupMembership.user_id).where(GroupMembership.group_id == query.group_id)
            )
        )
    found = filter_candidates(
        await candidates_for(session, slot, game, member.site), query.text, query.ok, members
    )
    return slot, found
