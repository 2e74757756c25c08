"""The facts the conflict codes of a slot are computed from (contract §16.5), loaded once.

Everything is read with a fixed number of queries, whatever the number of officials, and
copied into plain frozen dataclasses: no ORM object leaves :func:`load_candidate_facts`, so
the rules of :mod:`refdesk.server.assignments.conflicts` are pure and testable without a
database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.availability.models import Availability
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.games.models import Game
from refdesk.server.officials.models import Ability, OfficialConflict
from refdesk.server.officials.service import qualified
from refdesk.server.reference.models import AgeGroup, GroupMembership, Position
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User

DEFAULT_LENGTH = timedelta(minutes=60)


@dataclass(frozen=True, kw_only=True)
class SlotFacts:
    """The slot to fill, its game and the site's switches."""

    id: int
    position_id: int
    official_id: int | None
    game_id: int
    start_time: datetime
    end_time: datetime | None
    local_date: date
    home_team_id: int | None
    away_team_id: int | None
    league_id: int | None
    venue_id: int | None
    age_group_id: int
    timezone: str = "UTC"
    use_availability: bool = True
    use_abilities: bool = True
    group_id: int | None = None
    """The group the slot's position is restricted to (None: anyone)."""
    min_official_age: int | None = None
    """The minimum official age of the game's age group."""


@dataclass(frozen=True, kw_only=True)
class OfficialFacts:
    """One candidate: an active official of the slot's site."""

    id: int
    first_name: str
    last_name: str
    account_id: int
    date_of_birth: date | None = None
    max_games_per_day: int | None = None
    max_games_per_week: int | None = None
    max_games_per_month: int | None = None


@dataclass(frozen=True)
class HeldSlot:
    """A slot held (not declined) in the site, in the weeks and month around the game."""

    assignment_id: int
    official_id: int | None
    game_id: int
    start_time: datetime
    end_time: datetime | None
    local_date: date


@dataclass(frozen=True)
class OtherSiteSlot:
    """A slot held by the same account in another site, close to the game."""

    account_id: int
    start_time: datetime
    end_time: datetime | None


@dataclass(frozen=True)
class AvailabilityEntry:
    """An availability entry on the game's local date."""

    user_id: int
    all_day: bool
    start_time: time | None = None
    end_time: time | None = None


@dataclass(frozen=True)
class ConflictRule:
    """An official's declared conflict (``team``, ``official``, ``league`` or ``venue``)."""

    kind: str
    user_id: int
    other_user_id: int | None = None
    team_id: int | None = None
    league_id: int | None = None
    venue_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class CandidateFacts:
    """Everything around the slot that the codes look at, for all candidates at once."""

    held: tuple[HeldSlot, ...] = ()
    other_sites: tuple[OtherSiteSlot, ...] = ()
    availability: tuple[AvailabilityEntry, ...] = ()
    conflicts: tuple[ConflictRule, ...] = ()
    qualified: frozenset[int] = frozenset()
    """Officials with an ability for the game's age group and the slot's position (§17.4)."""
    group_members: frozenset[int] = frozenset()
    """Members of the position's group (empty when the position has no group)."""
    requested: frozenset[int] = frozenset()
    """Officials with a pending request for this slot's position (or any position)."""
    co_holders: frozenset[int] = frozenset()
    """Officials holding (not declined) the game's other slots."""


@dataclass(frozen=True)
class SlotCandidates:
    slot: SlotFacts
    officials: tuple[OfficialFacts, ...]
    facts: CandidateFacts


def interval(game_start: datetime, game_end: datetime | None) -> tuple[datetime, datetime]:
    return game_start, game_end or game_start + DEFAULT_LENGTH


def _official(user: User) -> OfficialFacts:
    return OfficialFacts(
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        account_id=user.account_id,
        date_of_birth=user.date_of_birth,
        max_games_per_day=user.max_games_per_day,
        max_games_per_week=user.max_games_per_week,
        max_games_per_month=user.max_games_per_month,
    )


def _window(day: date) -> tuple[date, date]:
    """The weeks and the month around ``day``: every held slot the limits may count."""
    month_start = day.replace(day=1)
    start = min(month_start, day - timedelta(days=day.weekday()))
    end = max(
        (month_start + timedelta(days=32)).replace(day=1), day + timedelta(days=7 - day.weekday())
    )
    return start, end


async def load_candidate_facts(
    session: AsyncSession, slot: Assignment, game: Game, site: Site
) -> SlotCandidates:
    """The active officials of ``site`` and the facts about them around ``slot``."""
    span = interval(game.start_time, game.end_time)
    day = game.local_date
    users = (
        await session.scalars(
            select(User).where(
                User.site_id == site.id, User.official.is_(True), User.active.is_(True)
            )
        )
    ).all()
    officials = tuple(_official(u) for u in users)
    slot_facts = SlotFacts(
        id=slot.id,
        position_id=slot.position_id,
        official_id=slot.official_id,
        game_id=game.id,
        start_time=game.start_time,
        end_time=game.end_time,
        local_date=day,
        home_team_id=game.home_team_id,
        away_team_id=game.away_team_id,
        league_id=game.league_id,
        venue_id=game.venue_id,
        age_group_id=game.age_group_id,
        timezone=site.timezone,
        use_availability=site.use_availability,
        use_abilities=site.use_abilities,
    )
    if not officials:
        return SlotCandidates(slot_facts, (), CandidateFacts())
    ids = [o.id for o in officials]
    window_start, window_end = _window(day)
    held = (
        await session.execute(
            select(
                Assignment.id,
                Assignment.official_id,
                Game.id,
                Game.start_time,
                Game.end_time,
                Game.local_date,
            )
            .join(Game, Game.id == Assignment.game_id)
            .where(
                Assignment.official_id.in_(ids),
                Assignment.declined.is_(False),
                Game.site_id == site.id,
                Game.local_date >= window_start,
                Game.local_date < window_end,
            )
        )
    ).all()
    accounts = {o.account_id for o in officials}
    other_sites = (
        await session.execute(
            select(User.account_id, Game.start_time, Game.end_time)
            .join(Assignment, Assignment.official_id == User.id)
            .join(Game, Game.id == Assignment.game_id)
            .where(
                User.account_id.in_(accounts),
                User.site_id != site.id,
                Assignment.declined.is_(False),
                Game.start_time < span[1],
                Game.start_time > span[0] - timedelta(days=2),
            )
        )
    ).all()
    availability = (
        await session.scalars(
            select(Availability).where(Availability.user_id.in_(ids), Availability.date == day)
        )
    ).all()
    conflicts = (
        await session.scalars(
            select(OfficialConflict).where(
                or_(OfficialConflict.user_id.in_(ids), OfficialConflict.other_user_id.in_(ids))
            )
        )
    ).all()
    abilities = (
        await session.scalars(
            select(Ability).where(
                Ability.user_id.in_(ids), Ability.age_group_id == game.age_group_id
            )
        )
    ).all()
    position = await session.get(Position, slot.position_id)
    age_group = await session.get(AgeGroup, game.age_group_id)
    group_id = position.group_id if position is not None else None
    members: set[int] = set()
    if group_id is not None:
        members = set(
            await session.scalars(
                select(GroupMembership.user_id).where(GroupMembership.group_id == group_id)
            )
        )
    requested = set(
        await session.scalars(
            select(GameRequest.user_id).where(
                GameRequest.game_id == game.id,
                GameRequest.status == "pending",
                or_(GameRequest.position_id.is_(None), GameRequest.position_id == slot.position_id),
            )
        )
    )
    co_holders = set(
        await session.scalars(
            select(Assignment.official_id).where(
                Assignment.game_id == game.id,
                Assignment.id != slot.id,
                Assignment.official_id.is_not(None),
                Assignment.declined.is_(False),
            )
        )
    )
    slot_facts = replace(
        slot_facts,
        group_id=group_id,
        min_official_age=age_group.min_official_age if age_group is not None else None,
    )
    facts = CandidateFacts(
        held=tuple(HeldSlot(*row) for row in held),
        other_sites=tuple(OtherSiteSlot(*row) for row in other_sites),
        availability=tuple(
            AvailabilityEntry(a.user_id, a.all_day, a.start_time, a.end_time) for a in availability
        ),
        conflicts=tuple(
            ConflictRule(c.kind, c.user_id, c.other_user_id, c.team_id, c.league_id, c.venue_id)
            for c in conflicts
        ),
        qualified=frozenset(
            user_id
            for user_id in ids
            if qualified(
                [a for a in abilities if a.user_id == user_id], game.age_group_id, slot.position_id
            )
        ),
        group_members=frozenset(members),
        requested=frozenset(requested),
        co_holders=frozenset(i for i in co_holders if i is not None),
    )
    return SlotCandidates(slot_facts, officials, facts)
