"""Assignment rules (contract §16.4): assign, unassign, accept, decline, confirm, edit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.candidates import Candidate, candidates_for, filter_candidates
from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.db.base import utcnow
from refdesk.server.db.locking import apply_changes, check_lock_version, expected_lock_version
from refdesk.server.db.unique import unique_rule
from refdesk.server.errors import ErrorCollector, Forbidden, NotFound, ValidationFailed
from refdesk.server.fields import INVALID, is_blank, read_bool, read_int, read_money, read_str
from refdesk.server.games.models import Game
from refdesk.server.games.service import VACANT, can_see, load_game
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.reference.models import GroupMembership
from refdesk.server.sites.access import Membership, check_id
from refdesk.server.users.models import User

MAX_REASON = 500
HOLDS_A_SLOT = "already holds a slot in this game"


def holds_a_slot(field: str) -> dict[str, list[str]]:
    """The 422 of §16.4 when the official holds another slot of the game; a concurrent assign
    that passed the check is refused by the unique index with the same answer."""
    return {field: [HOLDS_A_SLOT]}


async def load_assignment(
    session: AsyncSession, principal: Principal, assignment_id: int, *, for_update: bool = False
) -> tuple[Assignment, Game, Membership]:
    check_id(assignment_id)
    assignment = await session.get(Assignment, assignment_id, with_for_update=for_update)
    if assignment is None:
        raise NotFound()
    game, member = await load_game(session, principal, assignment.game_id)
    return assignment, game, member


async def read_assignment(
    session: AsyncSession, principal: Principal, assignment_id: int
) -> tuple[Assignment, Game, Membership]:
    assignment, game, member = await load_assignment(session, principal, assignment_id)
    if not await can_see(session, member, game):
        raise Forbidden("This game is not visible to you")
    return assignment, game, member


async def game_slots(
    session: AsyncSession, principal: Principal, game_id: int
) -> tuple[Game, Membership]:
    game, member = await load_game(session, principal, game_id)
    if not await can_see(session, member, game):
        raise Forbidden("This game is not visible to you")
    return game, member


def _official_field(data: dict[str, Any]) -> str | None:
    for name in ("user_id", "official_id"):
        if name in data:
            return name
    return None


async def _official_for(
    session: AsyncSession,
    game: Game,
    data: dict[str, Any],
    field: str,
    errors: ErrorCollector,
    slot: Assignment | None,
) -> int | Any | None:
    """The user to put on a slot: an active official of the game's site holding no other
    slot of the game. None means vacate (only where allowed by the caller)."""
    if is_blank(data.get(field)):
        return None
    user_id = read_int(data[field], field, errors, 1, 2**63 - 1)
    if user_id is INVALID:
        return INVALID
    user = await session.get(User, user_id)
    if user is None or user.site_id != game.site_id or not user.official or not user.active:
        errors.add(field, "must be an active official of this site")
        return INVALID
    other = select(Assignment.id).where(
        Assignment.game_id == game.id, Assignment.official_id == user_id
    )
    if slot is not None:
        other = other.where(Assignment.id != slot.id)
    if await session.scalar(other.limit(1)):
        errors.add(field, HOLDS_A_SLOT)
        return INVALID
    return user_id


async def assign(
    session: AsyncSession, principal: Principal, assignment_id: int, data: dict[str, Any]
) -> tuple[Assignment, Game, Membership]:
    slot, game, member = await load_assignment(session, principal, assignment_id, for_update=True)
    member.require(member.administers, "assign officials")
    expected = expected_lock_version(data)
    check_lock_version(slot, expected)
    errors = ErrorCollector()
    field = _official_field(data)
    if field is None or is_blank(data.get(field)):
        errors.add(field or "user_id", "can't be blank")
        errors.raise_if_any()
    assert field is not None
    accepted: Any = False
    if "accepted" in data and not is_blank(data["accepted"]):
        accepted = read_bool(data["accepted"], "accepted", errors)
    official = await _official_for(session, game, data, field, errors, slot)
    errors.raise_if_any()
    async with unique_rule(session, holds_a_slot(field)):
        await _put_on(session, slot, official, bool(accepted), expected)
    return slot, game, member


async def _put_on(
    session: AsyncSession, slot: Assignment, official: Any, accepted: bool, expected: int | None
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
    session: AsyncSession, principal: Principal, game_id: int, data: dict[str, Any]
) -> tuple[Assignment, Game, Membership]:
    """The first vacant slot (of ``position_id``, if given) gets the official."""
    game, member = await load_game(session, principal, game_id, for_update=True)
    member.require(member.administers, "assign officials")
    errors = ErrorCollector()
    field = _official_field(data)
    if field is None or is_blank(data.get(field)):
        errors.add(field or "user_id", "can't be blank")
    position: Any = None
    if not is_blank(data.get("position_id")):
        position = read_int(data["position_id"], "position_id", errors, 1, 2**63 - 1)
    errors.raise_if_any()
    assert field is not None
    official = await _official_for(session, game, data, field, errors, None)
    errors.raise_if_any()
    statement = select(Assignment).where(
        Assignment.game_id == game.id, Assignment.official_id.is_(None)
    )
    if position is not None:
        statement = statement.where(Assignment.position_id == position)
    slot = await session.scalar(
        statement.order_by(Assignment.sort_order, Assignment.id).limit(1).with_for_update()
    )
    if slot is None:
        key = "position_id" if position is not None else "base"
        raise ValidationFailed({key: ["has no vacant slot"]})
    accepted = False
    if "accepted" in data and not is_blank(data["accepted"]):
        value = read_bool(data["accepted"], "accepted", errors)
        errors.raise_if_any()
        accepted = bool(value)
    async with unique_rule(session, holds_a_slot(field)):
        await _put_on(session, slot, official, accepted, None)
    return slot, game, member


async def unassign(
    session: AsyncSession, principal: Principal, assignment_id: int, data: dict[str, Any]
) -> tuple[Assignment, Game, Membership]:
    slot, game, member = await load_assignment(session, principal, assignment_id, for_update=True)
    member.require(member.administers, "unassign officials")
    expected = expected_lock_version(data)
    check_lock_version(slot, expected)
    if slot.official_id is not None:
        await apply_changes(session, slot, dict(VACANT), expected)
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
    """§5 step 18, after :func:`_require_holder` and the ``lock_version`` check."""
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
    session: AsyncSession,
    principal: Principal,
    assignment_id: int,
    data: dict[str, Any],
    accept: bool | None,
) -> tuple[Assignment, Game, Membership]:
    """Accept or decline (None: as the body's ``status`` says, the compatibility form);
    an answer already given changes nothing."""
    slot, game, member = await load_assignment(session, principal, assignment_id, for_update=True)
    await _require_holder(session, member, slot, game)
    expected = expected_lock_version(data)
    check_lock_version(slot, expected)
    if accept is None:
        accept = confirm_choice(data)
    _respond_rules(slot, game, member, declining=not accept)
    errors = ErrorCollector()
    reason: Any = None
    if not accept:
        for name in ("reason", "decline_reason"):
            if name in data:
                reason = read_str(data[name], name, errors, MAX_REASON)
                break
    errors.raise_if_any()
    if accept:
        changes = {"accepted": True, "declined": False, "decline_reason": None}
    else:
        changes = {"accepted": False, "declined": True, "decline_reason": reason}
        if slot.declined and reason is None:
            changes.pop("decline_reason")
    await apply_changes(session, slot, changes, expected)
    return slot, game, member


def confirm_choice(data: dict[str, Any]) -> bool:
    status = data.get("status")
    if isinstance(status, str) and status.strip().upper() in ("A", "D"):
        return status.strip().upper() == "A"
    raise ValidationFailed({"status": ["is not included in the list"]})


async def edit(
    session: AsyncSession, principal: Principal, assignment_id: int, data: dict[str, Any]
) -> tuple[Assignment, Game, Membership]:
    """PUT/PATCH: assignors and managers edit everything; the holder only answers."""
    slot, game, member = await load_assignment(session, principal, assignment_id, for_update=True)
    await _require_holder(session, member, slot, game)
    if not member.administers:
        for name in ("official_id", "user_id", "fee"):
            if name in data:
                raise Forbidden(f"You may not change the field {name}")
    expected = expected_lock_version(data)
    check_lock_version(slot, expected)
    errors = ErrorCollector()
    accepted = (
        read_bool(data["accepted"], "accepted", errors)
        if not is_blank(data.get("accepted"))
        else None
    )
    declined = (
        read_bool(data["declined"], "declined", errors)
        if not is_blank(data.get("declined"))
        else None
    )
    errors.raise_if_any()
    if accepted is True and declined is True:
        raise ValidationFailed({"base": ["can't be both accepted and declined"]})
    changes: dict[str, Any] = {}
    field = _official_field(data)
    if member.administers and field is not None:
        official = await _official_for(session, game, data, field, errors, slot)
        if official is None:
            changes.update(VACANT)
        elif official is not INVALID and official != slot.official_id:
            changes.update(
                {
                    "official_id": official,
                    "accepted": False,
                    "declined": False,
                    "decline_reason": None,
                }
            )
    if member.administers and "fee" in data:
        if is_blank(data["fee"]):
            changes["fee"] = None
        else:
            fee = read_money(data["fee"], "fee", errors)
            if fee is not INVALID:
                changes["fee"] = Decimal(fee)
    reason: Any = None
    reason_sent = False
    for name in ("decline_reason", "reason"):
        if name in data:
            reason, reason_sent = read_str(data[name], name, errors, MAX_REASON), True
            break
    answering = accepted is not None or declined is not None or reason_sent
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
        if reason_sent and reason is not INVALID and accepted is not True:
            changes["decline_reason"] = reason
    errors.raise_if_any()
    async with unique_rule(session, holds_a_slot(field or "official_id")):
        await apply_changes(session, slot, changes, expected)
    return slot, game, member


async def list_candidates(
    session: AsyncSession, principal: Principal, assignment_id: int, query: dict[str, Any]
) -> tuple[Assignment, list[Candidate], int, PageRequest]:
    slot, game, member = await load_assignment(session, principal, assignment_id)
    member.require(member.administers, "see candidates")
    errors = ErrorCollector()
    page = parse_page(query, errors)
    raw_search = query.get("search")
    search: dict[str, Any] = raw_search if isinstance(raw_search, dict) else {}
    text = search.get("query") if isinstance(search.get("query"), str) else None
    ok: Any = None
    if not is_blank(search.get("ok")):
        ok = read_bool(search["ok"], "search[ok]", errors)
    group: Any = None
    if not is_blank(search.get("group_id")):
        group = read_int(search["group_id"], "search[group_id]", errors, 1, 2**63 - 1)
    errors.raise_if_any()
    members: set[int] | None = None
    if group is not None:
        members = set(
            await session.scalars(
                select(GroupMembership.user_id).where(GroupMembership.group_id == group)
            )
        )
    found = filter_candidates(
        await candidates_for(session, slot, game, member.site),
        text.strip() if text else None,
        ok,
        members,
    )
    return slot, found[page.offset : page.offset + page.limit], len(found), page
