"""Game rules (contract §16.3): create with slots, partial update, delete, unassign, lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.assignments.slot_events import SlotState, slot_changed, slot_removed
from refdesk.server.auth.principal import Principal
from refdesk.server.db.locking import apply_changes, check_lock_version
from refdesk.server.db.unique import serialize_rule
from refdesk.server.errors import ErrorCollector, Forbidden
from refdesk.server.fields import INVALID
from refdesk.server.games import changes, queries, references, timing
from refdesk.server.games.bundle import GameLike
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import END_TIME, GameUnassign, GameWrite
from refdesk.server.inputs import UNSET
from refdesk.server.reference.models import AgeGroup, PatternPosition
from refdesk.server.sites.access import (
    Membership,
    load_in_site,
    load_row_in_site,
    site_membership,
)
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today
from refdesk.server.users.models import User

DUPLICATE = "A game already exists at this venue, date and time"


async def load_game(
    session: AsyncSession, principal: Principal, game_id: int, *, for_update: bool = False
) -> tuple[Game, Membership]:
    """Steps 12–14 for a game: 404, membership 403, 402 (kept for the other concepts)."""
    return await load_in_site(session, principal, Game, game_id, for_update=for_update)


async def can_see(session: AsyncSession, member: Membership, game: GameLike) -> bool:
    if member.administers:
        return True
    visible = await session.scalar(
        select(Game.id).where(Game.id == game.id, queries.visibility(member))
    )
    return visible is not None


async def read_game(
    session: AsyncSession, principal: Principal, game_id: int
) -> tuple[Game, Membership]:
    game, member = await load_game(session, principal, game_id)
    if not await can_see(session, member, game):
        raise Forbidden("This game is not visible to you")
    return game, member


async def read_game_row(
    session: AsyncSession, principal: Principal, game_id: int
) -> tuple[GameLike, Membership]:
    """:func:`read_game` for the API's reads: the game as a row of its columns."""
    row, member = await load_row_in_site(session, principal, Game, game_id)
    game = cast(GameLike, row)
    if not await can_see(session, member, game):
        raise Forbidden("This game is not visible to you")
    return game, member


async def _assignor(
    session: AsyncSession, site: Site, assignor_id: int | None, errors: ErrorCollector
) -> int | None:
    if assignor_id is None:
        return None
    found = await session.scalar(
        select(User.id).where(
            User.id == assignor_id, User.site_id == site.id, User.assignor.is_(True)
        )
    )
    if not found:
        errors.add("assignor_id", "does not exist")
        return None
    return assignor_id


async def _check_uniqueness(
    session: AsyncSession,
    site: Site,
    values: dict[str, Any],
    game_id: int | None,
    errors: ErrorCollector,
) -> None:
    """The duplicate-game rule and ``user_defined_id`` uniqueness, against other games.

    Checked in turn per site: two writes (a create and an update, or updates of two games)
    must not both pass the check and then both write."""
    await serialize_rule(session, "games", site.id)
    venue_id, start = values.get("venue_id"), values.get("start_time")
    if venue_id is not None and start is not None and values.get("status", "A") == "A":
        subvenue = (values.get("subvenue") or "").lower()
        query = select(Game.id).where(
            Game.site_id == site.id,
            Game.venue_id == venue_id,
            Game.start_time == start,
            Game.status == "A",
            func.lower(func.coalesce(Game.subvenue, "")) == subvenue,
        )
        if game_id is not None:
            query = query.where(Game.id != game_id)
        if await session.scalar(query.limit(1)):
            errors.add("base", DUPLICATE)
    user_defined = values.get("user_defined_id")
    if user_defined:
        query = select(Game.id).where(
            Game.site_id == site.id, func.lower(Game.user_defined_id) == user_defined.lower()
        )
        if game_id is not None:
            query = query.where(Game.id != game_id)
        if await session.scalar(query.limit(1)):
            errors.add("user_defined_id", "has already been taken")


def _same_teams(
    settled: dict[str, Any], pending: list[references.Pending], current: Game | None
) -> bool:
    names = {p.reference.column: p.name.lower() for p in pending}
    if "home_team_id" in names and "away_team_id" in names:
        return names["home_team_id"] == names["away_team_id"]
    home = settled.get("home_team_id", current.home_team_id if current else None)
    away = settled.get("away_team_id", current.away_team_id if current else None)
    if "home_team_id" in names or "away_team_id" in names:
        return False
    return home is not None and home == away


async def _game_length(session: AsyncSession, age_group_id: int | None) -> int:
    if age_group_id is None:
        return 60
    length = await session.scalar(select(AgeGroup.game_length).where(AgeGroup.id == age_group_id))
    return int(length if length is not None else 60)


async def _read_write(
    session: AsyncSession, member: Membership, inp: GameWrite, game: Game | None
) -> tuple[dict[str, Any], list[references.Pending], ErrorCollector, Any]:
    site = member.site
    errors = inp.errors()
    today = site_today(site).date()
    start = timing.start_of(inp, errors, site.timezone, game.start_time if game else None, today)
    settled, pending = await references.resolve(session, site.id, inp, errors, game is None)
    values: dict[str, Any] = inp.columns()
    values.update(settled)
    if start is not INVALID and start is not None:
        values["start_time"] = start
    effective_start = values.get("start_time", game.start_time if game else None)
    explicit: Any = None
    if effective_start is not None:
        explicit = timing.explicit_end(
            inp, errors, effective_start, site.timezone, game.explicit_end if game else None
        )
    else:  # without a start the end time is not read (as before the typed inputs)
        errors.errors.pop(END_TIME, None)
    if inp.assignor_id is not UNSET:
        values["assignor_id"] = await _assignor(session, site, inp.assignor_id, errors)
    elif game is None:
        creator = member.user
        values["assignor_id"] = creator.id if creator is not None and creator.assignor else None
    if _same_teams(settled, pending, game):
        errors.add(
            "away_team_name"
            if inp.away_team_name is not UNSET or inp.failed("away_team_name")
            else "away_team_id",
            "can't be the same as the home team",
        )
    merged = {
        "venue_id": values.get("venue_id", game.venue_id if game else None),
        "start_time": effective_start,
        "status": values.get("status", game.status if game else "A"),
        "subvenue": values.get("subvenue", game.subvenue if game else None),
        "user_defined_id": values.get("user_defined_id"),
    }
    if any(k in values for k in ("venue_id", "start_time", "status", "subvenue")) or game is None:
        await _check_uniqueness(session, site, merged, game.id if game else None, errors)
    elif "user_defined_id" in values:
        await _check_uniqueness(
            session, site, {"user_defined_id": values["user_defined_id"]}, game.id, errors
        )
    return values, pending, errors, explicit


async def create_game(
    session: AsyncSession, principal: Principal, site_id: int, inp: GameWrite
) -> tuple[Game, Membership]:
    member = await site_membership(session, principal, site_id, for_update=True)
    member.require(member.administers, "create games")
    values, pending, errors, explicit = await _read_write(session, member, inp, None)
    errors.raise_if_any()
    values.update(await references.create_pending(session, site_id, pending))
    length = await _game_length(session, values["age_group_id"])
    start: datetime = values["start_time"]
    game = Game(
        site_id=site_id,
        local_date=timing.local(start, member.site.timezone).date(),
        explicit_end=explicit,
        end_time=timing.computed_end(start, explicit, length),
        **values,
    )
    session.add(game)
    await session.flush()
    await _build_slots(session, game, [], principal.account_id)
    changes.game_created(session, game, principal.account_id)
    return game, member


async def _pattern_positions(session: AsyncSession, pattern_id: int) -> list[int]:
    rows = await session.scalars(
        select(PatternPosition.position_id)
        .where(PatternPosition.pattern_id == pattern_id)
        .order_by(PatternPosition.sort_order, PatternPosition.id)
    )
    return list(rows.all())


async def _build_slots(
    session: AsyncSession, game: Game, existing: list[Assignment], actor: int | None
) -> None:
    """One slot per pattern position in order; reuse the first unused slot of the same
    position (keeping its official and state), delete the rest (§16.3.2): a deleted slot
    that had an official records ``game.official.changed`` ``removed``."""
    positions = await _pattern_positions(session, game.pattern_id)
    unused = sorted(existing, key=lambda a: (a.sort_order, a.id))
    for order, position_id in enumerate(positions, start=1):
        reuse = next((a for a in unused if a.position_id == position_id), None)
        if reuse is not None:
            unused.remove(reuse)
            if reuse.sort_order != order:
                reuse.sort_order = order
        else:
            session.add(Assignment(game_id=game.id, position_id=position_id, sort_order=order))
    for leftover in unused:
        slot_removed(session, leftover, game.site_id, actor)
        await session.delete(leftover)
    await session.flush()


async def update_game(
    session: AsyncSession, principal: Principal, game_id: int, inp: GameWrite
) -> tuple[Game, Membership]:
    game, member = await load_game(session, principal, game_id, for_update=True)
    member.require(member.administers, "change games")
    inp.raise_if_bad_lock_version()
    expected = inp.lock_version
    check_lock_version(game, expected)
    values, pending, errors, explicit = await _read_write(session, member, inp, game)
    errors.raise_if_any()
    values.update(await references.create_pending(session, game.site_id, pending))
    start: datetime = values.get("start_time", game.start_time)
    values["local_date"] = timing.local(start, member.site.timezone).date()
    values["explicit_end"] = explicit
    length = await _game_length(session, values.get("age_group_id", game.age_group_id))
    values["end_time"] = timing.computed_end(start, explicit, length)
    # A pattern that is set (again) rebuilds the slots from its current position list.
    pattern_set = "pattern_id" in values
    tz = member.site.timezone
    before = changes.snapshot(game, tz)
    await apply_changes(session, game, values, expected)
    changes.game_changed(session, game, before, changes.snapshot(game, tz), principal.account_id)
    if pattern_set:
        slots = list(
            (await session.scalars(select(Assignment).where(Assignment.game_id == game.id))).all()
        )
        await _build_slots(session, game, slots, principal.account_id)
    return game, member


async def delete_game(session: AsyncSession, principal: Principal, game_id: int) -> None:
    game, member = await load_game(session, principal, game_id, for_update=True)
    member.require(member.administers, "delete games")
    changes.game_deleted(session, game, principal.account_id)
    await session.execute(delete(Assignment).where(Assignment.game_id == game.id))
    await session.delete(game)
    await session.flush()


async def unassign_game(
    session: AsyncSession, principal: Principal, game_id: int, inp: GameUnassign
) -> tuple[Game, Membership]:
    """Vacate every held slot, or those named by ``assignment_ids`` / ``position_id``."""
    game, member = await load_game(session, principal, game_id, for_update=True)
    member.require(member.administers, "unassign games")
    inp.raise_if_bad_lock_version()
    check_lock_version(game, inp.lock_version)
    inp.raise_if_invalid()
    statement = select(Assignment).where(
        Assignment.game_id == game.id, Assignment.official_id.is_not(None)
    )
    if inp.assignment_ids is not None:
        statement = statement.where(Assignment.id.in_(inp.assignment_ids))
    if inp.position_id is not None:
        statement = statement.where(Assignment.position_id == inp.position_id)
    for slot in (await session.scalars(statement.with_for_update())).all():
        before = SlotState.of(slot)
        await apply_changes(session, slot, VACANT, None)
        slot_changed(session, slot, game.site_id, before, principal.account_id)
    return game, member


VACANT: dict[str, Any] = {
    "official_id": None,
    "accepted": False,
    "declined": False,
    "decline_reason": None,
}
