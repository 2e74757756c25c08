"""Local search on the solver's assignment (instances without rounds), in the time CP-SAT
left unproved: it works on the *exact* objective (:mod:`.objective`), where phase 2 works on
an approximation of travel, and it costs a few microseconds a move where a season-sized
CP-SAT model needs seconds to start.

1. *Fill*: an empty slot goes to an official who can take it as things stand, or to one who
   can once one of their slots that week is handed to another official, who may hand on one
   of theirs in turn (chains of two: a short augmenting path).
2. *Improve*: a filled slot moves to another official, or two filled slots of one local date
   swap officials, when that lowers the objective's ``total`` (exact travel between
   consecutive games, fairness, strength, crews, changes).

Every move is checked with :meth:`Holdings.blocked` against everything held, on top of the
eligibility in isolation, so no hard rule is ever broken; a fill is never undone, so the
number of filled slots never drops. Deterministic: slots and officials in id order.
"""

from __future__ import annotations

import time

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.instance import Slot
from refdesk.server.autoassign.objective import shares100
from refdesk.server.autoassign.rules import Context, week_of
from refdesk.server.autoassign.travel import Distances, legs_km

EPSILON = 1e-9
CHECK_EVERY = 32
"""Moves tried between two looks at the clock."""
BREATHE_SECONDS = 0.001
"""How long the search holds the interpreter at most before letting other threads run: the
server solves in a thread beside the API's event loop (``jobs.py``), and a thread that never
blocks keeps the loop waiting up to the interpreter's 5 ms switch interval per turn."""


class Polisher:
    def __init__(
        self,
        ctx: Context,
        eligible: dict[int, list[int]],
        chosen: dict[int, int],
        distances: Distances,
    ) -> None:
        self.ctx, self.distances = ctx, distances
        self.weights = ctx.options.weights
        self.eligible = {
            slot: [o for o in ids if o in ctx.officials] for slot, ids in eligible.items()
        }
        self.allowed = {s: set(officials) for s, officials in self.eligible.items()}
        self.holdings = Holdings(ctx, distances)
        self.chosen = dict(chosen)
        for slot in ctx.open_slots:
            if slot.id in self.chosen:
                self.holdings.add(slot, self.chosen[slot.id])
        self.games = {o: len(held) for o, held in self.holdings.by_official.items()}
        self._reshare()
        self.tried = 0
        self.breathed = time.perf_counter()

    def _reshare(self) -> None:
        held = len(self.ctx.fixed) + len(self.chosen)
        self.share = shares100(self.ctx.instance.officials, held)

    def out_of_time(self, deadline: float) -> bool:
        """Whether ``deadline`` has passed; lets other threads run about every millisecond."""
        now = time.perf_counter()
        if now - self.breathed >= BREATHE_SECONDS:
            time.sleep(0)  # releases the interpreter lock: the event loop gets its turn now
            self.breathed = now = time.perf_counter()
        return now >= deadline

    # -- costs (the parts of objective.objective that a move changes) -----------------------

    def day_cost(self, held: list[Slot]) -> float:
        venues = {s.venue_id for s in held if s.venue_id is not None}
        km = legs_km(self.distances, held)
        return self.weights.travel * km + self.weights.crews * max(0, len(venues) - 1)

    def slot_cost(self, slot: Slot, official_id: int) -> float:
        official = self.ctx.officials[official_id]
        cost = self.weights.strength * max(0, slot.level - official.strength)
        if slot.official_id is not None and not slot.fixed and slot.official_id != official_id:
            cost += self.weights.change
        return cost

    def fair(self, official_id: int, games: int) -> float:
        share = self.share.get(official_id)
        return 0.0 if share is None else self.weights.fairness * abs(100 * games - share) / 100

    def day(self, official_id: int, slot: Slot) -> list[Slot]:
        return self.holdings.by_day.get((official_id, slot.local_date), [])

    def relocate_delta(self, slot: Slot, a: int, b: int) -> float:
        mine, theirs = self.day(a, slot), self.day(b, slot)
        ga, gb = self.games.get(a, 0), self.games.get(b, 0)
        return (
            self.day_cost([s for s in mine if s.id != slot.id])
            - self.day_cost(mine)
            + self.day_cost([*theirs, slot])
            - self.day_cost(theirs)
            + self.slot_cost(slot, b)
            - self.slot_cost(slot, a)
            + self.fair(a, ga - 1)
            - self.fair(a, ga)
            + self.fair(b, gb + 1)
            - self.fair(b, gb)
        )

    def swap_delta(self, s: Slot, a: int, t: Slot, b: int) -> float:
        mine, theirs = self.day(a, s), self.day(b, t)
        return (
            self.day_cost([*(h for h in mine if h.id != s.id), t])
            - self.day_cost(mine)
            + self.day_cost([*(h for h in theirs if h.id != t.id), s])
            - self.day_cost(theirs)
            + self.slot_cost(t, a)
            + self.slot_cost(s, b)
            - self.slot_cost(s, a)
            - self.slot_cost(t, b)
        )

    # -- moves (checked against every hard rule, undone when one breaks) ---------------------

    def can_take(self, slot: Slot, official_id: int) -> bool:
        return not self.holdings.blocked(slot, self.ctx.officials[official_id])

    def give(self, slot: Slot, official_id: int) -> None:
        self.holdings.add(slot, official_id)
        self.chosen[slot.id] = official_id
        self.games[official_id] = self.games.get(official_id, 0) + 1

    def take(self, slot: Slot, official_id: int) -> None:
        self.holdings.remove(slot, official_id)
        del self.chosen[slot.id]
        self.games[official_id] -= 1

    def relocate(self, slot: Slot, a: int, b: int) -> bool:
        self.take(slot, a)
        if self.can_take(slot, b):
            self.give(slot, b)
            return True
        self.give(slot, a)
        return False

    def swap(self, s: Slot, a: int, t: Slot, b: int) -> bool:
        self.take(s, a)
        self.take(t, b)
        if self.can_take(t, a):
            self.give(t, a)
            if self.can_take(s, b):
                self.give(s, b)
                return True
            self.take(t, a)
        self.give(t, b)
        self.give(s, a)
        return False

    def fill(self, slot: Slot, depth: int = 2, busy: frozenset[int] = frozenset()) -> bool:
        """Give an empty slot to someone: directly, or by handing one of their slots that
        week to another official, who may in turn hand on one of theirs (``depth`` steps;
        ``busy``: the officials already in the chain)."""
        candidates = self.eligible.get(slot.id, [])
        for b in candidates:
            if b not in busy and self.can_take(slot, b):
                self.give(slot, b)
                return True
        if depth == 0:
            return False
        week = week_of(slot.local_date)
        for b in candidates:
            if b in busy:
                continue
            movable = [
                t
                for t in self.holdings.by_official.get(b, [])
                if not t.fixed and t.id in self.chosen and week_of(t.local_date) == week
            ]
            for t in movable:
                self.take(t, b)
                if self.can_take(slot, b):
                    self.give(slot, b)
                    if self.fill(t, depth - 1, busy | {b}):
                        return True
                    self.take(slot, b)
                self.give(t, b)
        return False

    def improve(self, slot: Slot, deadline: float) -> bool:
        a = self.chosen[slot.id]
        for b in self.eligible.get(slot.id, []):
            if b == a:
                continue
            self.tried += 1
            if self.relocate_delta(slot, a, b) < -EPSILON and self.relocate(slot, a, b):
                return True
            for t in list(self.day(b, slot)):
                if t.fixed or t.id not in self.chosen or a not in self.allowed.get(t.id, ()):
                    continue
                self.tried += 1
                if self.swap_delta(slot, a, t, b) < -EPSILON and self.swap(slot, a, t, b):
                    return True
            if self.tried % CHECK_EVERY == 0 and self.out_of_time(deadline):
                return False
        return False

    def run(self, deadline: float, improve: bool = True) -> dict[int, int]:
        """Fill what can be filled, then improve until no move helps; again while the
        improvements made room for fills."""
        slots = [s for s in self.ctx.open_slots if s.id in self.eligible]
        while not self.out_of_time(deadline):
            filled = self._fills(slots, deadline)
            improved = self._improvements(slots, deadline) if improve else 0
            if not filled or not improved:
                break
        return self.chosen

    def _fills(self, slots: list[Slot], deadline: float) -> int:
        done = 0
        for slot in slots:
            if self.out_of_time(deadline):
                break
            if slot.id not in self.chosen and self.fill(slot):
                done += 1
        self._reshare()
        return done

    def _improvements(self, slots: list[Slot], deadline: float) -> int:
        done = 0
        changed = True
        while changed and not self.out_of_time(deadline):
            changed = False
            for slot in slots:
                if self.out_of_time(deadline):
                    break
                if slot.id in self.chosen and self.improve(slot, deadline):
                    done += 1
                    changed = True
        return done


def polish(
    ctx: Context,
    eligible: dict[int, list[int]],
    chosen: dict[int, int],
    distances: Distances,
    deadline: float,
    improve: bool = True,
) -> dict[int, int]:
    """``chosen`` improved by local search until ``deadline`` or a local optimum (never
    fewer fills, never a higher objective ``total``); ``improve=False``: fills only."""
    if ctx.rounds or ctx.options.visit_every_venue:
        return chosen
    return Polisher(ctx, eligible, chosen, distances).run(deadline, improve)
