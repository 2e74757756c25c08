"""The facts every solver shares: the prepared instance (:class:`Context`) and the unary
rule-outs of one (slot, official) pair, mirroring §16.5's codes
(:mod:`refdesk.server.assignments.conflicts`) on plain data.

Unary codes: ``D`` not available on the slot's local date (an all-day entry, or a window
covering [start, end) in the site's zone), ``A`` not qualified for the (age group, position)
or under the slot's minimum age, ``T`` team conflict, ``L`` league conflict, ``V`` venue
conflict, ``G`` not in the position's group, ``X`` busy elsewhere (another site) at an
overlapping time, ``DL`` declined this very slot (``Slot.excluded``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from refdesk.server.autoassign.instance import Instance, Official, Options, RuledOut, Slot, Venue
from refdesk.server.timefmt import zone


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def week_of(day: date) -> date:
    """The Monday starting ``day``'s week (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def month_of(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def who(official: Official) -> str:
    return official.name or f"official {official.id}"


@dataclass
class Context:
    """The instance indexed for the solvers (built once per solve)."""

    instance: Instance
    options: Options
    tz: ZoneInfo
    slots: dict[int, Slot]
    officials: dict[int, Official]
    venues: dict[int, Venue]
    rounds: bool
    """Every slot carries a ``round``: slots are sequenced by round, not by time."""
    open_slots: list[Slot]
    """The slots to decide (not fixed, or fixed without an official), in sequence order."""
    fixed: list[Slot]
    """Fixed slots with their official: constants for overlaps, limits and travel."""
    conflict_pairs: set[frozenset[int]] = field(default_factory=set)
    capacities: dict[int, int] | None = None
    """The most games each official can hold (:func:`fairness.capacities`), set by the
    solver once for the whole instance and handed to its blocks, so every part of a solve
    shares the same fair shares."""

    def day_cap(self, official: Official) -> int | None:
        return _tightest(official.max_per_day, self.options.max_per_day)

    def week_cap(self, official: Official) -> int | None:
        return _tightest(official.max_per_week, self.options.max_per_week)

    def month_cap(self, official: Official) -> int | None:
        return official.max_per_month

    def in_conflict(self, a: int, b: int) -> bool:
        return frozenset((a, b)) in self.conflict_pairs


def _tightest(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def sequence_key(slot: Slot) -> tuple[int, datetime, int]:
    return (slot.round if slot.round is not None else 0, slot.start, slot.id)


def build(instance: Instance, options: Options) -> Context:
    rounds = bool(instance.slots) and all(s.round is not None for s in instance.slots)
    officials = {o.id: o for o in instance.officials}
    fixed = [s for s in instance.slots if s.fixed and s.official_id is not None]
    open_slots = sorted(
        (s for s in instance.slots if not (s.fixed and s.official_id is not None)),
        key=sequence_key,
    )
    pairs: set[frozenset[int]] = set()
    for official in instance.officials:
        for other in official.official_conflicts:
            if other != official.id:
                pairs.add(frozenset((official.id, other)))
    return Context(
        instance=instance,
        options=options,
        tz=zone(instance.timezone),
        slots={s.id: s for s in instance.slots},
        officials=officials,
        venues={v.id: v for v in instance.venues},
        rounds=rounds,
        open_slots=open_slots,
        fixed=sorted(fixed, key=sequence_key),
        conflict_pairs=pairs,
    )


def available(ctx: Context, slot: Slot, official: Official) -> bool:
    """``availability`` None: not used. Else an all-day entry on the slot's local date, or a
    window covering [start, end) in the site's zone on that date."""
    if official.availability is None:
        return True
    entries = [w for w in official.availability if w.local_date == slot.local_date]
    if any(w.all_day for w in entries):
        return True
    start = slot.start.astimezone(ctx.tz)
    end = slot.end.astimezone(ctx.tz)
    if start.date() != slot.local_date or end.date() != slot.local_date:
        return False
    begins, ends = start.time().replace(tzinfo=None), end.time().replace(tzinfo=None)
    return any(
        w.start is not None and w.end is not None and w.start <= begins and w.end >= ends
        for w in entries
    )


class _Found(Exception):
    """The first reason is enough."""


def unary(ctx: Context, slot: Slot, official: Official, first: bool = False) -> list[RuledOut]:
    """Every reason ``official`` cannot hold ``slot`` whatever else is assigned (``first``:
    only the first one found, enough to rule the pair out)."""
    name = who(official)
    out: list[RuledOut] = []

    def rule(code: str, words: str) -> None:
        out.append(RuledOut(official.id, code, f"{name} {words}"))
        if first:
            raise _Found

    with contextlib.suppress(_Found):
        _rules(ctx, slot, official, rule)
    return out


def _rules(ctx: Context, slot: Slot, official: Official, rule: Callable[[str, str], None]) -> None:
    if official.id in slot.excluded:
        rule("DL", "declined this slot")
    if not available(ctx, slot, official):
        rule("D", f"is not available at that time on {slot.local_date.isoformat()}")
    if official.qualified is not None and (slot.age_group_id, slot.position_id) not in (
        official.qualified
    ):
        rule("A", "is not qualified for this age group and position")
    if (
        slot.min_official_age is not None
        and official.date_of_birth is not None
        and age_on(official.date_of_birth, slot.local_date) < slot.min_official_age
    ):
        rule("A", f"is under the minimum age ({slot.min_official_age})")
    teams = {t for t in (slot.home_team_id, slot.away_team_id) if t is not None}
    if teams & official.team_conflicts:
        rule("T", "has a conflict with a team of the game")
    if slot.league_id is not None and slot.league_id in official.league_conflicts:
        rule("L", "has a conflict with the game's league")
    if slot.venue_id is not None and slot.venue_id in official.venue_conflicts:
        rule("V", "has a conflict with the game's venue")
    if slot.group_id is not None and slot.group_id not in official.groups:
        rule("G", "is not in the position's group")
    if any(overlaps((slot.start, slot.end), busy) for busy in official.busy):
        rule("X", "works at another site at that time")
