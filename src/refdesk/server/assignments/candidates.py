"""Candidates for a slot and their conflict codes (contract §16.5). Codes are advice only.

Everything is computed from a fixed number of queries, whatever the number of officials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

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
from refdesk.server.timefmt import zone
from refdesk.server.users.models import User

CODES = ("D", "E", "T", "O", "A", "L", "V", "X", "C", "G", "RQ")
DEFAULT_LENGTH = timedelta(minutes=60)


@dataclass
class Candidate:
    user: User
    conflicts: list[str] = field(default_factory=list)
    current: bool = False
    games_same_day: int = 0

    @property
    def ok(self) -> bool:
        return all(code == "RQ" for code in self.conflicts)

    @property
    def requested(self) -> bool:
        return "RQ" in self.conflicts


def interval(game_start: datetime, game_end: datetime | None) -> tuple[datetime, datetime]:
    return game_start, game_end or game_start + DEFAULT_LENGTH


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


async def candidates_for(
    session: AsyncSession, slot: Assignment, game: Game, site: Site
) -> list[Candidate]:
    tz = zone(site.timezone)
    span = interval(game.start_time, game.end_time)
    local_start = span[0].astimezone(tz)
    local_end = span[1].astimezone(tz)
    day = game.local_date
    officials = list(
        (
            await session.scalars(
                select(User).where(
                    User.site_id == site.id, User.official.is_(True), User.active.is_(True)
                )
            )
        ).all()
    )
    if not officials:
        return []
    ids = [u.id for u in officials]
    result = {u.id: Candidate(u) for u in officials}

    # Slots held (not declined) by candidates in this site around the game's month.
    month_start = day.replace(day=1)
    window_start = min(month_start, day - timedelta(days=day.weekday()))
    window_end = max(
        (month_start + timedelta(days=32)).replace(day=1), day + timedelta(days=7 - day.weekday())
    )
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

    # Slots held by the candidates' accounts in other sites, overlapping the game.
    accounts = {u.account_id: u.id for u in officials}
    elsewhere = (
        await session.execute(
            select(User.account_id, Game.start_time, Game.end_time)
            .join(Assignment, Assignment.official_id == User.id)
            .join(Game, Game.id == Assignment.game_id)
            .where(
                User.account_id.in_(accounts.keys()),
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
    members: set[int] = set()
    if position is not None and position.group_id is not None:
        members = set(
            await session.scalars(
                select(GroupMembership.user_id).where(GroupMembership.group_id == position.group_id)
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

    for user_id, candidate in result.items():
        candidate.current = slot.official_id == user_id
        user = candidate.user
        mine = [h for h in held if h[1] == user_id and h[0] != slot.id]
        codes: set[str] = set()
        if site.use_availability and not _available(
            [a for a in availability if a.user_id == user_id], local_start, local_end, day
        ):
            codes.add("D")
        if any(h[2] != game.id and overlaps(span, interval(h[3], h[4])) for h in mine):
            codes.add("E")
        own = [c for c in conflicts if c.user_id == user_id]
        if any(
            c.kind == "team" and c.team_id in (game.home_team_id, game.away_team_id) for c in own
        ):
            codes.add("T")
        if any(
            (c.kind == "official" and c.user_id == user_id and c.other_user_id in co_holders)
            or (c.kind == "official" and c.other_user_id == user_id and c.user_id in co_holders)
            for c in conflicts
        ):
            codes.add("O")
        if site.use_abilities and not qualified(
            [a for a in abilities if a.user_id == user_id], game.age_group_id, slot.position_id
        ):
            codes.add("A")
        if (
            age_group is not None
            and age_group.min_official_age is not None
            and user.date_of_birth is not None
            and _age_on(user.date_of_birth, day) < age_group.min_official_age
        ):
            codes.add("A")
        if game.league_id is not None and any(
            c.kind == "league" and c.league_id == game.league_id for c in own
        ):
            codes.add("L")
        if any(c.kind == "venue" and c.venue_id == game.venue_id for c in own):
            codes.add("V")
        if any(
            acc == user.account_id and overlaps(span, interval(s, e)) for acc, s, e in elsewhere
        ):
            codes.add("X")
        if _over_limits(user, [h[5] for h in mine if h[2] != game.id], day):
            codes.add("C")
        if position is not None and position.group_id is not None and user_id not in members:
            codes.add("G")
        if user_id in requested:
            codes.add("RQ")
        candidate.conflicts = [c for c in CODES if c in codes]
        candidate.games_same_day = sum(1 for h in held if h[1] == user_id and h[5] == day)
    ranked = list(result.values())
    ranked.sort(
        key=lambda c: (
            not c.ok,
            len(c.conflicts),
            c.user.last_name.lower(),
            c.user.first_name.lower(),
            c.user.id,
        )
    )
    return ranked


def _available(entries: list[Availability], start: datetime, end: datetime, day: date) -> bool:
    if any(e.all_day for e in entries):
        return True
    if end.date() != day or start.date() != day:
        return False
    for entry in entries:
        if entry.start_time is None or entry.end_time is None:
            continue
        if entry.start_time <= start.time().replace(
            tzinfo=None
        ) and entry.end_time >= end.time().replace(tzinfo=None):
            return True
    return False


def _over_limits(user: User, held_days: list[date], day: date) -> bool:
    week_start = day - timedelta(days=day.weekday())
    limits = (
        (user.max_games_per_day, lambda d: d == day),
        (user.max_games_per_week, lambda d: week_start <= d < week_start + timedelta(days=7)),
        (user.max_games_per_month, lambda d: (d.year, d.month) == (day.year, day.month)),
    )
    return any(
        limit is not None and sum(1 for d in held_days if test(d)) + 1 > limit
        for limit, test in limits
    )


def filter_candidates(
    found: list[Candidate], query: str | None, ok: bool | None, group_members: set[int] | None
) -> list[Candidate]:
    result = found
    if query:
        needle = query.lower()
        result = [
            c
            for c in result
            if needle in c.user.first_name.lower()
            or needle in c.user.last_name.lower()
            or needle in f"{c.user.first_name} {c.user.last_name}".lower()
        ]
    if ok is not None:
        result = [c for c in result if c.ok == ok]
    if group_members is not None:
        result = [c for c in result if c.user.id in group_members]
    return result
