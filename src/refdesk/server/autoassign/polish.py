"""Local search on the solver's assignment (instances without rounds), in the time CP-SAT
left unproved: it works on the *exact* objective (:mod:`.objective`), where phase 2 works on
an approximation of travel, and it costs a few microseconds a move where a season-sized
CP-SAT model needs seconds to start.

1. *Fill*: an empty slot goes to an official who can take it as things stand, or to one who
   can once one of their slots that week is handed to another official, who may hand on one
   of theirs in turn, and so on: an augmenting path of any length, found breadth first
   (:meth:`Polisher.augment`). On the 5,000-slot bench season this fills the greedy
   baseline's 4,401 slots up to 4,935 in about 8 s, where chains of at most two hand-ons
   (session 9's search, depth first) reached 4,902 in 9 s.
2. *Improve*: a filled slot moves to another official, or two filled slots of one local date
   swap officials, when that lowers the objective's ``total`` (exact travel between
   consecutive games, fairness, strength, crews, changes).

Every move is checked with :meth:`Holdings.blocked` against everything held, on top of the
eligibility in isolation, so no hard rule is ever broken; a fill is never undone, so the
number of filled slots never drops. Deterministic: slots and officials in id order.
"""

from __future__ import annotations

import itertools
import time
from collections import deque

from refdesk.server.autoassign.binding import ONE_DAY, Holdings
from refdesk.server.autoassign.fairness import capacities, fee_shares, mean_fee, shares100
from refdesk.server.autoassign.instance import Slot
from refdesk.server.autoassign.rules import Context, month_of, week_of
from refdesk.server.autoassign.travel import Distances, legs_km

MAX_EXPANSIONS = 20_000
"""Hand-on steps one search explores at most (a safety net: on the 5,000-slot bench season
a complete search needs far fewer)."""
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
        self.fees = {
            o: sum(h.fee_cents for h in held) for o, held in self.holdings.by_official.items()
        }
        self.caps = ctx.capacities
        if self.caps is None:
            self.caps = capacities(ctx, Holdings(ctx, distances), self.eligible)
        self.unit = mean_fee(ctx.instance.slots)
        self._reshare()
        self.tried = 0
        self.dead: set[int] = set()
        """Slots from which no chain reaches a taker as things stand (cleared on a change)."""
        self.breathed = time.perf_counter()

    def _reshare(self) -> None:
        held = len(self.ctx.fixed) + len(self.chosen)
        self.share = shares100(self.ctx.instance.officials, held, self.caps)
        self.fee_share = fee_shares(self.share, held, sum(self.fees.values()))

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

    def fair(self, official_id: int, games: int, fees: int) -> float:
        share = self.share.get(official_id)
        if share is None:
            return 0.0
        cost = abs(100 * games - share) / 100
        if self.unit:
            cost += abs(fees - self.fee_share[official_id]) / self.unit
        return self.weights.fairness * cost

    def day(self, official_id: int, slot: Slot) -> list[Slot]:
        return self.holdings.by_day.get((official_id, slot.local_date), [])

    def relocate_delta(self, slot: Slot, a: int, b: int) -> float:
        mine, theirs = self.day(a, slot), self.day(b, slot)
        ga, gb = self.games.get(a, 0), self.games.get(b, 0)
        fa, fb, fee = self.fees.get(a, 0), self.fees.get(b, 0), slot.fee_cents
        return (
            self.day_cost([s for s in mine if s.id != slot.id])
            - self.day_cost(mine)
            + self.day_cost([*theirs, slot])
            - self.day_cost(theirs)
            + self.slot_cost(slot, b)
            - self.slot_cost(slot, a)
            + self.fair(a, ga - 1, fa - fee)
            - self.fair(a, ga, fa)
            + self.fair(b, gb + 1, fb + fee)
            - self.fair(b, gb, fb)
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
            + self._fee_swap(s, a, t, b)
        )

    def _fee_swap(self, s: Slot, a: int, t: Slot, b: int) -> float:
        """What swapping changes in fairness: the games stay, the fees move."""
        if not self.unit or s.fee_cents == t.fee_cents:
            return 0.0
        ga, gb = self.games.get(a, 0), self.games.get(b, 0)
        fa, fb = self.fees.get(a, 0), self.fees.get(b, 0)
        moved = t.fee_cents - s.fee_cents
        return (
            self.fair(a, ga, fa + moved)
            - self.fair(a, ga, fa)
            + self.fair(b, gb, fb - moved)
            - self.fair(b, gb, fb)
        )

    # -- moves (checked against every hard rule, undone when one breaks) ---------------------

    def can_take(self, slot: Slot, official_id: int) -> bool:
        return not self.holdings.blocked(slot, self.ctx.officials[official_id])

    def give(self, slot: Slot, official_id: int) -> None:
        self.holdings.add(slot, official_id)
        self.chosen[slot.id] = official_id
        self.games[official_id] = self.games.get(official_id, 0) + 1
        self.fees[official_id] = self.fees.get(official_id, 0) + slot.fee_cents

    def take(self, slot: Slot, official_id: int) -> None:
        self.holdings.remove(slot, official_id)
        del self.chosen[slot.id]
        self.games[official_id] -= 1
        self.fees[official_id] -= slot.fee_cents

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

    def augment(self, slot: Slot, deadline: float) -> bool:
        """Give an empty slot to someone by a chain of hand-ons of any length, found breadth
        first (an augmenting path): official b takes the slot once they hand one of their
        slots that week (or the day next to it) to another, who may hand on one of theirs,
        until someone takes the last one as things stand. Each slot enters the search once,
        at most ``MAX_EXPANSIONS`` (official, slot) steps are explored, and the slots of a
        complete search that found nothing are not searched again until something changes
        (nothing reachable from them can be filled). The chain is applied step by step, each
        step checked against everything held, and undone whole if one breaks a rule."""
        if slot.id in self.dead:
            return False
        frm: dict[int, tuple[Slot, int]] = {}
        """slot id -> (the slot whose taker hands it on, that taker)"""
        queue: deque[Slot] = deque([slot])
        seen = {slot.id}
        expansions = 0
        truncated = False
        while queue:
            t = queue.popleft()
            holder = self.chosen.get(t.id)
            for b in self.eligible.get(t.id, []):
                if b == holder:
                    continue
                if self.can_take(t, b):
                    if self._apply(self._chain(frm, t, b)):
                        self.dead.clear()
                        return True
                    truncated = True
                    continue
                if expansions >= MAX_EXPANSIONS:
                    truncated = True
                    continue
                expansions += 1
                for u in self.freeing(t, b):
                    if u.id not in seen and u.id not in self.dead:
                        seen.add(u.id)
                        frm[u.id] = (t, b)
                        queue.append(u)
                if expansions % CHECK_EVERY == 0 and self.out_of_time(deadline):
                    return False
        if not truncated:  # nothing reachable from these slots can be filled as things stand
            self.dead |= seen
        return False

    def freeing(self, slot: Slot, official_id: int) -> list[Slot]:
        """The official's filled slots whose hand-on alone would let them take ``slot`` (a
        guide for the search: :meth:`_apply` checks every step with :meth:`can_take`)."""
        holdings = self.holdings
        if holdings.conflicted(slot, official_id):
            return []
        day = slot.local_date
        clashing = list(itertools.islice(holdings.clashing(slot, official_id), 2))
        if len(clashing) > 1:
            return []
        over = holdings.over_limits(self.ctx.officials[official_id], day)
        if clashing:
            candidates = clashing
        elif over[0]:
            candidates = list(holdings.by_day.get((official_id, day), ()))
        elif over[1]:
            monday = week_of(day)
            candidates = [
                h
                for k in range(7)
                for h in holdings.by_day.get((official_id, monday + k * ONE_DAY), ())
            ]
        elif over[2]:
            candidates = list(holdings.by_official.get(official_id, ()))
        else:
            return []
        periods = (lambda d: d, week_of, month_of)
        return [
            h
            for h in candidates
            if not h.fixed
            and h.id in self.chosen
            and all(
                not o or periods[k](h.local_date) == periods[k](day) for k, o in enumerate(over)
            )
        ]

    @staticmethod
    def _chain(frm: dict[int, tuple[Slot, int]], last: Slot, taker: int) -> list[tuple[Slot, int]]:
        """The steps (slot, official who takes it) from the empty slot to ``last``."""
        steps = [(last, taker)]
        while last.id in frm:
            last, giver = frm[last.id]
            steps.append((last, giver))
        steps.reverse()
        return steps

    def _apply(self, steps: list[tuple[Slot, int]]) -> bool:
        """Each step's official hands on the next step's slot and takes their own; all or
        nothing."""
        done: list[tuple[Slot, int, Slot | None]] = []
        for k, (slot, official_id) in enumerate(steps):
            handed = steps[k + 1][0] if k + 1 < len(steps) else None
            if handed is not None:
                self.take(handed, official_id)
            if not self.can_take(slot, official_id):
                if handed is not None:
                    self.give(handed, official_id)
                for s, o, h in reversed(done):
                    self.take(s, o)
                    if h is not None:
                        self.give(h, o)
                return False
            self.give(slot, official_id)
            done.append((slot, official_id, handed))
        return True

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
        """Passes over the empty slots until one fills nothing (a fill can open a path to a
        slot passed over before it)."""
        self.dead.clear()  # the improvements changed things
        done = 0
        while not self.out_of_time(deadline):
            before = done
            for slot in slots:
                if self.out_of_time(deadline):
                    break
                if slot.id not in self.chosen and self.augment(slot, deadline):
                    done += 1
            if done == before:
                break
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
