"""Build the solver's :class:`Instance` from a site's data for a range of local dates.

A fixed number of queries whatever the number of games and officials (a test counts them).
The rules are those of the conflict codes (contract §16.5, ``assignments/candidate_facts``):
a game's interval (60 minutes when it has no end), "holds" = holds a slot not declined,
abilities through ``officials.service.qualified``. What the loader decides on its own:

* games: status ``A`` only (cancelled ``X``/``C`` are skipped), published or not (assignors
  fill unpublished games before publishing them), ``local_date`` within the range;
* slots: vacant and declined slots are to fill (a declined official stays on the slot until
  replaced; the proposal may replace them — ``Slot.official_id`` is None); accepted slots
  are fixed; pending slots (held, neither accepted nor declined) are fixed too unless
  ``replan_pending``, when they may move. Held slots of officials who are no longer active
  officials of the site are left out (nothing to decide, nobody to count them for);
* ``level`` of a slot: the first integer in its age group's name (``U12 Boys`` → 12), else
  the age group's ``min_official_age``, else 0; plus 1 for the pattern's first position
  (the centre: referee, plate umpire);
* ``strength`` of an official: the first integer in ``grade`` (``"Grade 8"`` → 8, ``"3 -
  regional"`` → 3), else 0 (higher is stronger: a site whose grades run the other way
  leaves strength out of the balance by grading everyone alike);
* ``wanted_games``: ``max_games_per_week`` × the number of weeks the range touches (a
  partial week counts as one), capped by ``max_games_per_month`` × the months it touches;
  None without a weekly limit;
* ``held_outside``: local dates of slots held in this site in the weeks and months around
  the range but outside it (they count for the weekly and monthly limits);
* ``busy``: intervals of slots the official's account holds in other sites around the range;
* ``fee_cents``: the slot's fee override, else the age group's fee for the game's pattern
  and the position, else 0.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.candidate_facts import interval
from refdesk.server.assignments.models import Assignment
from refdesk.server.autoassign.instance import Instance, Official, Slot, Venue, Window
from refdesk.server.availability.models import Availability
from refdesk.server.games.models import Game
from refdesk.server.officials.models import Ability, OfficialConflict
from refdesk.server.officials.service import qualified
from refdesk.server.reference.models import AgeGroup, AgeGroupFee, GroupMembership, Position
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue as VenueRow

ANY_INT = re.compile(r"(\d{1,6})")


@dataclass(frozen=True)
class SlotInfo:
    """What the proposal shows of a slot besides the solver's ids."""

    game_id: int
    position: str
    local_date: date
    start: datetime
    declined_by: int | None = None
    """The official who declined the slot and still holds it (the proposal may replace)."""


@dataclass(frozen=True)
class Loaded:
    instance: Instance
    slots: dict[int, SlotInfo]
    names: dict[int, str]
    vacant: int
    """Slots the proposal may fill or move (not fixed)."""


def strength_of(grade: str | None) -> int:
    match = ANY_INT.search(grade or "")
    return int(match.group(1)) if match else 0


def age_level(age_group: AgeGroup | None) -> int:
    if age_group is None:
        return 0
    match = ANY_INT.search(age_group.name)
    if match:
        return int(match.group(1))
    return age_group.min_official_age or 0


def _weeks(start: date, end: date) -> int:
    first = start - timedelta(days=start.weekday())
    return (end - first).days // 7 + 1


def _months(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def wanted_games(user: User, start: date, end: date) -> int | None:
    if user.max_games_per_week is None:
        return None
    wanted = user.max_games_per_week * _weeks(start, end)
    if user.max_games_per_month is not None:
        wanted = min(wanted, user.max_games_per_month * _months(start, end))
    return wanted


def limit_window(start: date, end: date) -> tuple[date, date]:
    """The weeks and months the range touches: held slots there count for the limits."""
    month_start = start.replace(day=1)
    window_start = min(month_start, start - timedelta(days=start.weekday()))
    next_month = (end.replace(day=1) + timedelta(days=32)).replace(day=1)
    window_end = max(next_month, end + timedelta(days=7 - end.weekday()))
    return window_start, window_end  # [start, end)


def _cents(amount: object) -> int:
    return round(float(str(amount)) * 100)


async def load_instance(
    session: AsyncSession, site: Site, start: date, end: date, *, replan_pending: bool
) -> Loaded:
    """The site's slots in [start, end] (local dates, inclusive) and its active officials."""
    users = list(
        (
            await session.scalars(
                select(User)
                .where(User.site_id == site.id, User.official.is_(True), User.active.is_(True))
                .order_by(User.id)
            )
        ).all()
    )
    ids = [u.id for u in users]
    known = set(ids)
    rows = (
        await session.execute(
            select(Assignment, Game)
            .join(Game, Game.id == Assignment.game_id)
            .where(
                Game.site_id == site.id,
                Game.status == "A",
                Game.local_date >= start,
                Game.local_date <= end,
            )
            .order_by(Game.start_time, Game.id, Assignment.sort_order, Assignment.id)
        )
    ).all()
    positions = {
        p.id: p for p in await session.scalars(select(Position).where(Position.site_id == site.id))
    }
    age_groups = {
        a.id: a for a in await session.scalars(select(AgeGroup).where(AgeGroup.site_id == site.id))
    }
    fees = {
        (f.age_group_id, f.pattern_id, f.position_id): f.amount
        for f in await session.scalars(
            select(AgeGroupFee).where(AgeGroupFee.age_group_id.in_(list(age_groups) or [0]))
        )
    }
    venues = tuple(
        Venue(v.id, v.name, v.latitude, v.longitude)
        for v in await session.scalars(select(VenueRow).where(VenueRow.site_id == site.id))
    )
    slots: list[Slot] = []
    infos: dict[int, SlotInfo] = {}
    vacant = 0
    first_in_game: dict[int, int] = {}
    for slot, game in rows:
        first_in_game.setdefault(game.id, slot.sort_order)
        holder = slot.official_id if not slot.declined else None
        if holder is not None and holder not in known:
            continue
        fixed = holder is not None and (slot.accepted or not replan_pending)
        if not fixed:
            vacant += 1
        begin, finish = interval(game.start_time, game.end_time)
        position = positions.get(slot.position_id)
        age_group = age_groups.get(game.age_group_id)
        fee = slot.fee
        if fee is None:
            fee = fees.get((game.age_group_id, game.pattern_id, slot.position_id))
        centre = 1 if slot.sort_order == first_in_game[game.id] else 0
        slots.append(
            Slot(
                id=slot.id,
                game_id=game.id,
                position_id=slot.position_id,
                start=begin,
                end=finish,
                local_date=game.local_date,
                venue_id=game.venue_id,
                age_group_id=game.age_group_id,
                league_id=game.league_id,
                home_team_id=game.home_team_id,
                away_team_id=game.away_team_id,
                group_id=position.group_id if position is not None else None,
                min_official_age=age_group.min_official_age if age_group is not None else None,
                level=age_level(age_group) + centre,
                fee_cents=_cents(fee) if fee is not None else 0,
                official_id=holder,
                fixed=fixed,
                lock_version=slot.lock_version,
                excluded=frozenset({slot.official_id})
                if slot.declined and slot.official_id is not None
                else frozenset(),
            )
        )
        infos[slot.id] = SlotInfo(
            game.id,
            position.name if position is not None else "",
            game.local_date,
            begin,
            slot.official_id if slot.declined else None,
        )
    officials = await _officials(session, site, users, start, end, slots) if users else ()
    names = {u.id: f"{u.first_name} {u.last_name}".strip() for u in users}
    instance = Instance(
        slots=tuple(slots), officials=officials, venues=venues, timezone=site.timezone
    )
    return Loaded(instance, infos, names, vacant)


async def _officials(
    session: AsyncSession,
    site: Site,
    people: list[User],
    start: date,
    end: date,
    slots: list[Slot],
) -> tuple[Official, ...]:
    ids = [u.id for u in people]
    availability: dict[int, list[Window]] = defaultdict(list)
    if site.use_availability:
        for entry in await session.scalars(
            select(Availability).where(
                Availability.user_id.in_(ids), Availability.date >= start, Availability.date <= end
            )
        ):
            availability[entry.user_id].append(_window(entry))
    qualified_pairs: dict[int, frozenset[tuple[int, int]]] = {}
    if site.use_abilities:
        by_user: dict[int, list[Ability]] = defaultdict(list)
        for ability in await session.scalars(select(Ability).where(Ability.user_id.in_(ids))):
            by_user[ability.user_id].append(ability)
        pairs = {(s.age_group_id, s.position_id) for s in slots}
        qualified_pairs = {
            uid: frozenset(p for p in pairs if qualified(by_user.get(uid, []), p[0], p[1]))
            for uid in ids
        }
    groups: dict[int, set[int]] = defaultdict(set)
    for group_id, user_id in await session.execute(
        select(GroupMembership.group_id, GroupMembership.user_id).where(
            GroupMembership.user_id.in_(ids)
        )
    ):
        groups[user_id].add(group_id)
    conflicts: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for c in await session.scalars(
        select(OfficialConflict).where(
            or_(OfficialConflict.user_id.in_(ids), OfficialConflict.other_user_id.in_(ids))
        )
    ):
        if c.kind == "official" and c.other_user_id is not None:
            conflicts[c.user_id]["official"].add(c.other_user_id)
            conflicts[c.other_user_id]["official"].add(c.user_id)
        target = {"team": c.team_id, "league": c.league_id, "venue": c.venue_id}.get(c.kind)
        if target is not None:
            conflicts[c.user_id][c.kind].add(target)
    busy = await _busy_elsewhere(session, site, people, start, end)
    outside = await _held_outside(session, site, ids, start, end)
    return tuple(
        Official(
            id=u.id,
            name=f"{u.first_name} {u.last_name}".strip(),
            date_of_birth=u.date_of_birth,
            availability=tuple(availability.get(u.id, ())) if site.use_availability else None,
            qualified=qualified_pairs.get(u.id) if site.use_abilities else None,
            groups=frozenset(groups.get(u.id, ())),
            team_conflicts=_of(conflicts, u.id, "team"),
            league_conflicts=_of(conflicts, u.id, "league"),
            venue_conflicts=_of(conflicts, u.id, "venue"),
            official_conflicts=_of(conflicts, u.id, "official"),
            busy=tuple(busy.get(u.account_id, ())),
            max_per_day=u.max_games_per_day,
            max_per_week=u.max_games_per_week,
            max_per_month=u.max_games_per_month,
            held_outside=tuple(outside.get(u.id, ())),
            wanted_games=wanted_games(u, start, end),
            strength=strength_of(u.grade),
        )
        for u in people
    )


def _of(conflicts: dict[int, dict[str, set[int]]], user_id: int, kind: str) -> frozenset[int]:
    return frozenset(conflicts[user_id][kind]) if user_id in conflicts else frozenset()


def _window(entry: Availability) -> Window:
    if entry.all_day or entry.start_time is None or entry.end_time is None:
        return Window(entry.date)
    return Window(entry.date, entry.start_time, entry.end_time)


async def _busy_elsewhere(
    session: AsyncSession, site: Site, users: list[User], start: date, end: date
) -> dict[int, list[tuple[datetime, datetime]]]:
    """Intervals of slots held (not declined) by the officials' accounts in other sites."""
    accounts = {u.account_id for u in users}
    low = datetime.combine(start - timedelta(days=2), time(0), UTC)
    high = datetime.combine(end + timedelta(days=2), time(0), UTC)
    found: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for account_id, begin, finish in await session.execute(
        select(User.account_id, Game.start_time, Game.end_time)
        .join(Assignment, Assignment.official_id == User.id)
        .join(Game, Game.id == Assignment.game_id)
        .where(
            User.account_id.in_(accounts),
            User.site_id != site.id,
            Assignment.declined.is_(False),
            Game.start_time >= low,
            Game.start_time < high,
        )
    ):
        found[account_id].append(interval(begin, finish))
    return found


async def _held_outside(
    session: AsyncSession, site: Site, ids: list[int], start: date, end: date
) -> dict[int, list[date]]:
    """Local dates of slots held in this site around the range (for the limits)."""
    window_start, window_end = limit_window(start, end)
    found: dict[int, list[date]] = defaultdict(list)
    for official_id, day in await session.execute(
        select(Assignment.official_id, Game.local_date)
        .join(Game, Game.id == Assignment.game_id)
        .where(
            Assignment.official_id.in_(ids),
            Assignment.declined.is_(False),
            Game.site_id == site.id,
            Game.status == "A",
            Game.local_date >= window_start,
            Game.local_date < window_end,
            or_(Game.local_date < start, Game.local_date > end),
        )
    ):
        if official_id is not None:
            found[official_id].append(day)
    return found
