"""The conflict codes of contract §16.5, as pure functions of loaded facts. Codes are advice
only: they never block an assignment.

Definitions: the game interval is [start, end), 60 minutes long without an end time; "holds"
means holds a slot that is not declined; weeks run Monday to Sunday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from refdesk.server.assignments.candidate_facts import (
    AvailabilityEntry,
    CandidateFacts,
    HeldSlot,
    OfficialFacts,
    SlotFacts,
    interval,
)
from refdesk.server.timefmt import zone

CODES = ("D", "E", "T", "O", "A", "L", "V", "X", "C", "G", "RQ")


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def available(entries: list[AvailabilityEntry], start: datetime, end: datetime, day: date) -> bool:
    """An ``all_day`` entry, or a window covering [start, end) (local times) on ``day``."""
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


def over_limits(official: OfficialFacts, held_days: list[date], day: date) -> bool:
    """One more game on ``day`` would exceed the official's daily, weekly or monthly limit."""
    week_start = day - timedelta(days=day.weekday())
    limits: tuple[tuple[int | None, Callable[[date], bool]], ...] = (
        (official.max_games_per_day, lambda d: d == day),
        (official.max_games_per_week, lambda d: week_start <= d < week_start + timedelta(days=7)),
        (official.max_games_per_month, lambda d: (d.year, d.month) == (day.year, day.month)),
    )
    return any(
        limit is not None and sum(1 for d in held_days if test(d)) + 1 > limit
        for limit, test in limits
    )


def _others_held(facts: CandidateFacts, slot: SlotFacts, official: OfficialFacts) -> list[HeldSlot]:
    """The official's held slots in the site other than this one."""
    return [h for h in facts.held if h.official_id == official.id and h.assignment_id != slot.id]


def conflict_codes(facts: CandidateFacts, slot: SlotFacts, official: OfficialFacts) -> list[str]:
    """The codes filling ``slot`` with ``official`` would raise, in the order of :data:`CODES`."""
    user_id = official.id
    span = interval(slot.start_time, slot.end_time)
    day = slot.local_date
    mine = _others_held(facts, slot, official)
    own = [c for c in facts.conflicts if c.user_id == user_id]
    codes: set[str] = set()
    if slot.use_availability:
        tz = zone(slot.timezone)
        entries = [a for a in facts.availability if a.user_id == user_id]
        if not available(entries, span[0].astimezone(tz), span[1].astimezone(tz), day):
            codes.add("D")
    if any(
        h.game_id != slot.game_id and overlaps(span, interval(h.start_time, h.end_time))
        for h in mine
    ):
        codes.add("E")
    if any(c.kind == "team" and c.team_id in (slot.home_team_id, slot.away_team_id) for c in own):
        codes.add("T")
    if any(
        (c.kind == "official" and c.user_id == user_id and c.other_user_id in facts.co_holders)
        or (c.kind == "official" and c.other_user_id == user_id and c.user_id in facts.co_holders)
        for c in facts.conflicts
    ):
        codes.add("O")
    if slot.use_abilities and user_id not in facts.qualified:
        codes.add("A")
    if (
        slot.min_official_age is not None
        and official.date_of_birth is not None
        and age_on(official.date_of_birth, day) < slot.min_official_age
    ):
        codes.add("A")
    if slot.league_id is not None and any(
        c.kind == "league" and c.league_id == slot.league_id for c in own
    ):
        codes.add("L")
    if any(c.kind == "venue" and c.venue_id == slot.venue_id for c in own):
        codes.add("V")
    if any(
        o.account_id == official.account_id and overlaps(span, interval(o.start_time, o.end_time))
        for o in facts.other_sites
    ):
        codes.add("X")
    if over_limits(official, [h.local_date for h in mine if h.game_id != slot.game_id], day):
        codes.add("C")
    if slot.group_id is not None and user_id not in facts.group_members:
        codes.add("G")
    if user_id in facts.requested:
        codes.add("RQ")
    return [c for c in CODES if c in codes]


def games_same_day(facts: CandidateFacts, slot: SlotFacts, official: OfficialFacts) -> int:
    """Slots the official holds (not declined) in the site on the game's local date."""
    return sum(
        1 for h in facts.held if h.official_id == official.id and h.local_date == slot.local_date
    )
