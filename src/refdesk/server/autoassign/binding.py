"""The reasons an official cannot take a slot *given what is already assigned*: what the
greedy baseline checks slot by slot, what narrows the model to the pairs compatible with the
fixed slots, and what explains a slot left empty.

Codes: ``S`` already holds another slot of this game; ``E`` holds an overlapping game (named
by slot id); ``TR`` travel from/to another of their games does not fit; ``C`` a daily,
(Monday) weekly or monthly limit is reached (fixed slots and games held outside count);
``O`` conflicts with an official on the same game; ``R`` a TUP repeat window (same venue
within q1 rounds, same team within q2 rounds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from refdesk.server.autoassign.instance import Official, RuledOut, Slot
from refdesk.server.autoassign.rules import Context, month_of, week_of, who
from refdesk.server.autoassign.travel import Distances, clash

ONE_DAY = timedelta(days=1)


class Holdings:
    """Who holds what so far (fixed slots first, then the choices of a solver)."""

    def __init__(self, ctx: Context, distances: Distances | None = None) -> None:
        self.ctx = ctx
        self.distances = distances or Distances(ctx.instance)
        self.by_official: dict[int, list[Slot]] = defaultdict(list)
        self.by_game: dict[int, set[int]] = defaultdict(set)
        self.by_day: dict[tuple[int, date], list[Slot]] = defaultdict(list)
        self.tally: dict[tuple[int, object], int] = defaultdict(int)
        for official in ctx.officials.values():
            for day in official.held_outside:
                self._count(official.id, day)
        for slot in ctx.fixed:
            assert slot.official_id is not None
            self.add(slot, slot.official_id)

    def add(self, slot: Slot, official_id: int) -> None:
        self.by_official[official_id].append(slot)
        self.by_day[(official_id, slot.local_date)].append(slot)
        self.by_game[slot.game_id].add(official_id)
        self._count(official_id, slot.local_date)

    def remove(self, slot: Slot, official_id: int) -> None:
        """Undo :meth:`add` (local search moves a slot from one official to another)."""
        self.by_official[official_id].remove(slot)
        self.by_day[(official_id, slot.local_date)].remove(slot)
        if not any(h.game_id == slot.game_id for h in self.by_official[official_id]):
            self.by_game[slot.game_id].discard(official_id)
        self._count(official_id, slot.local_date, -1)

    def _count(self, official_id: int, day: date, step: int = 1) -> None:
        self.tally[(official_id, ("d", day))] += step
        self.tally[(official_id, ("w", week_of(day)))] += step
        self.tally[(official_id, ("m", month_of(day)))] += step

    def counts(self, official: Official, day: date) -> tuple[int, int, int]:
        """Games on ``day``, in its Monday week and its month: held here and outside."""
        return (
            self.tally.get((official.id, ("d", day)), 0),
            self.tally.get((official.id, ("w", week_of(day))), 0),
            self.tally.get((official.id, ("m", month_of(day))), 0),
        )

    def blocked(self, slot: Slot, official: Official) -> bool:
        """``reasons(slot, official) != []``, cheaply (the limits first, no words)."""
        if any(self.over_limits(official, slot.local_date)):
            return True
        if self.conflicted(slot, official.id):
            return True
        if self.ctx.rounds:
            return bool(self.reasons(slot, official))
        return next(self.clashing(slot, official.id), None) is not None

    def over_limits(self, official: Official, day: date) -> tuple[bool, bool, bool]:
        """Whether the official's daily, weekly and monthly limits are reached on ``day``."""
        ctx = self.ctx
        day_count, week_count, month_count = self.counts(official, day)
        caps = (ctx.day_cap(official), ctx.week_cap(official), ctx.month_cap(official))
        return (
            caps[0] is not None and day_count >= caps[0],
            caps[1] is not None and week_count >= caps[1],
            caps[2] is not None and month_count >= caps[2],
        )

    def conflicted(self, slot: Slot, official_id: int) -> bool:
        """Another official on the slot's game is in conflict with this one (``O``)."""
        holders = self.by_game.get(slot.game_id)
        return bool(holders) and any(
            other != official_id and self.ctx.in_conflict(official_id, other)
            for other in holders or ()
        )

    def clashing(self, slot: Slot, official_id: int) -> Iterator[Slot]:
        """The official's held slots that rule ``slot`` out by themselves (``S``, ``E``,
        ``TR``: the same game, an overlap, travel that does not fit); not for rounds."""
        day = slot.local_date
        for near in (day - ONE_DAY, day, day + ONE_DAY):
            for h in self.by_day.get((official_id, near), ()):
                if h.id != slot.id and (
                    h.game_id == slot.game_id
                    or clash(self.distances, self.ctx.options, False, slot, h) is not None
                ):
                    yield h

    def reasons(self, slot: Slot, official: Official) -> list[RuledOut]:
        """Why ``official`` cannot also take ``slot`` given the holdings (empty: they can)."""
        ctx, options = self.ctx, self.ctx.options
        name = who(official)
        out: list[RuledOut] = []
        held = [h for h in self.by_official.get(official.id, []) if h.id != slot.id]
        for h in held:
            if h.game_id == slot.game_id:
                out.append(RuledOut(official.id, "S", f"{name} already holds slot {h.id} of it"))
                continue
            code = clash(self.distances, options, ctx.rounds, slot, h)
            if code == "E":
                out.append(
                    RuledOut(official.id, "E", f"{name} holds slot {h.id}, an overlapping game")
                )
            elif code == "TR":
                out.append(
                    RuledOut(
                        official.id,
                        "TR",
                        f"{name} cannot travel between this game and slot {h.id} in time",
                    )
                )
        out.extend(self._limits(slot, official))
        for other in sorted(self.by_game.get(slot.game_id, set())):
            if other != official.id and ctx.in_conflict(official.id, other):
                other_name = who(ctx.officials[other]) if other in ctx.officials else str(other)
                out.append(
                    RuledOut(official.id, "O", f"{name} has a conflict with {other_name}, on it")
                )
        if ctx.rounds:
            out.extend(self._repeats(slot, official, held))
        return out

    def _limits(self, slot: Slot, official: Official) -> list[RuledOut]:
        ctx = self.ctx
        day, week, month = self.counts(official, slot.local_date)
        out: list[RuledOut] = []
        for cap, count, words in (
            (ctx.day_cap(official), day, "a day"),
            (ctx.week_cap(official), week, "a week"),
            (ctx.month_cap(official), month, "a month"),
        ):
            if cap is not None and count + 1 > cap:
                out.append(
                    RuledOut(
                        official.id,
                        "C",
                        f"{who(official)} already has {count} games; the limit is {cap} {words}",
                    )
                )
        return out

    def _repeats(self, slot: Slot, official: Official, held: list[Slot]) -> list[RuledOut]:
        options = self.ctx.options
        out: list[RuledOut] = []
        assert slot.round is not None
        q1, q2 = options.venue_repeat_gap, options.team_repeat_gap
        teams = {t for t in (slot.home_team_id, slot.away_team_id) if t is not None}
        for h in held:
            if h.round is None or h.game_id == slot.game_id:
                continue
            apart = abs(h.round - slot.round)
            if q1 and apart < q1 and h.venue_id is not None and h.venue_id == slot.venue_id:
                out.append(
                    RuledOut(
                        official.id, "R", f"{who(official)} is at this venue {apart} rounds away"
                    )
                )
            if q2 and apart < q2 and teams & {h.home_team_id, h.away_team_id}:
                out.append(
                    RuledOut(
                        official.id, "R", f"{who(official)} sees this team {apart} rounds away"
                    )
                )
        return out
