"""The soft objective of phase 2, in integer units of 1/100 (100 × :func:`objective.objective`'s
``total``, travel approximated), weighted by ``Options.weights``:

* fairness (``weights.fairness`` per game of deviation, and per games' worth of fee
  deviation): Σ over officials of |100·games − 100·share| where share is the official's
  part of the held games (:mod:`.fairness`: proportional to their ``wanted_games``, capped
  by what they can hold), and of |fees − fee share| in hundredths of the mean fee;
* travel (``weights.travel`` per km): with rounds (TUP), exact — one arc Boolean per
  (official, slot of round r, slot of the next round), tied to both ends and forced when the
  official works both rounds, costing the venues' distance. Without rounds, an
  approximation per (official, local date): a venue-used Boolean per venue the official
  could work at that day, costing its distance to the venues of the official's fixed games
  that day, plus, when at most 8 venues are possible, one Boolean per pair of used venues
  costing their distance (exact for the common day of games at two venues); with more
  venues possible, each extra venue of the day costs the median distance between them;
* strength (``weights.strength`` per level): max(0, slot level − official strength) per fill;
* crews (``weights.crews`` per extra venue): distinct venues − 1 per (official, local date);
* change (``weights.change`` per change): a re-planned slot not given back to its official.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date

from ortools.sat.python import cp_model

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.fairness import fee_shares, mean_fee, shares100
from refdesk.server.autoassign.instance import Slot
from refdesk.server.autoassign.model import Built
from refdesk.server.autoassign.rules import Context
from refdesk.server.autoassign.travel import Distances

PAIRWISE_VENUES = 8
Terms = list[cp_model.LinearExprT]


class Hints:
    """The value every variable takes under the current assignment, hinted as it is made, so
    CP-SAT starts phase 2 from a complete feasible solution (finding one at full fill is
    hard on large instances)."""

    def __init__(self, model: cp_model.CpModel) -> None:
        self.model = model
        self.values: dict[int, int] = {}

    def set(self, var: cp_model.IntVar, value: int) -> None:
        self.values[var.index] = value
        self.model.add_hint(var, value)

    def of(self, var: cp_model.IntVar | int) -> int:
        return var if isinstance(var, int) else self.values.get(var.index, 0)


def add_costs(
    built: Built,
    ctx: Context,
    distances: Distances,
    holdings: Holdings,
    total: int,
    chosen: dict[int, int],
) -> cp_model.LinearExprT:
    """Add the soft terms' helper variables to the model, hinted with their values under
    ``chosen`` (as are the assignment's Booleans); return the cost to minimise."""
    weights = ctx.options.weights
    hints = Hints(built.model)
    for (slot_id, official_id), var in built.x.items():
        hints.set(var, int(chosen.get(slot_id) == official_id))
    mine: dict[int, list[tuple[Slot, cp_model.IntVar]]] = defaultdict(list)
    for (slot_id, official_id), var in built.x.items():
        mine[official_id].append((ctx.slots[slot_id], var))
    terms: Terms = []
    _fairness(built.model, ctx, holdings, mine, total, chosen, weights.fairness, terms, hints)
    for official_id, pairs in mine.items():
        official = ctx.officials[official_id]
        for slot, var in pairs:
            gap = max(0, slot.level - official.strength)
            if gap and weights.strength:
                terms.append(100 * weights.strength * gap * var)
    for slot in ctx.open_slots:
        previous = slot.official_id
        if previous is not None and (slot.id, previous) in built.x and weights.change:
            terms.append(-100 * weights.change * built.x[(slot.id, previous)])
    if ctx.rounds:
        _round_travel(built.model, ctx, distances, holdings, mine, terms, hints)
    else:
        _day_venues(built.model, ctx, distances, holdings, mine, terms, hints)
    return cp_model.LinearExpr.sum(terms) if terms else 0


def _fairness(
    model: cp_model.CpModel,
    ctx: Context,
    holdings: Holdings,
    mine: dict[int, list[tuple[Slot, cp_model.IntVar]]],
    total: int,
    chosen: dict[int, int],
    weight: int,
    terms: Terms,
    hints: Hints,
) -> None:
    """Games: |100·games − share| per official. Fees: |fees − fee share| in hundredths of the
    mean fee (``unit · dev ≥ 100 · (fees − fee share)``), so a games' worth of fees weighs
    what a game does."""
    if not weight:
        return
    share = shares100(ctx.officials.values(), total, ctx.capacities)
    top = 100 * (total + len(ctx.instance.slots)) + 1
    fixed_fees = {o: sum(s.fee_cents for s in held) for o, held in holdings.by_official.items()}
    held_fees = sum(fixed_fees.values()) + sum(ctx.slots[s].fee_cents for s in chosen)
    fee_share = fee_shares(share, total, held_fees)
    unit = round(mean_fee(ctx.instance.slots))
    fee_top = 100 * (sum(s.fee_cents for s in ctx.instance.slots) // max(unit, 1) + 1)
    for official_id, pairs in mine.items():
        held = len(holdings.by_official.get(official_id, []))
        games = 100 * held + 100 * cp_model.LinearExpr.sum([v for _, v in pairs])
        dev = model.new_int_var(0, top, f"dev_{official_id}")
        now = 100 * (held + sum(hints.of(v) for _, v in pairs))
        hints.set(dev, abs(now - share[official_id]))
        model.add(dev >= games - share[official_id])
        model.add(dev >= share[official_id] - games)
        terms.append(weight * dev)
        if unit <= 0:
            continue
        base = fixed_fees.get(official_id, 0)
        fees = base + cp_model.LinearExpr.sum([s.fee_cents * v for s, v in pairs])
        fee_dev = model.new_int_var(0, fee_top, f"fdev_{official_id}")
        fees_now = base + sum(s.fee_cents * hints.of(v) for s, v in pairs)
        gap = abs(fees_now - fee_share[official_id])
        hints.set(fee_dev, min(fee_top, -(-100 * gap // unit)))
        model.add(unit * fee_dev >= 100 * (fees - fee_share[official_id]))
        model.add(unit * fee_dev >= 100 * (fee_share[official_id] - fees))
        terms.append(weight * fee_dev)


def _day_venues(
    model: cp_model.CpModel,
    ctx: Context,
    distances: Distances,
    holdings: Holdings,
    mine: dict[int, list[tuple[Slot, cp_model.IntVar]]],
    terms: Terms,
    hints: Hints,
) -> None:
    weights = ctx.options.weights
    for official_id, pairs in mine.items():
        fixed: dict[date, set[int]] = defaultdict(set)
        for slot in holdings.by_official.get(official_id, []):
            if slot.venue_id is not None:
                fixed[slot.local_date].add(slot.venue_id)
        days: dict[date, dict[int, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
        for slot, var in pairs:
            if slot.venue_id is not None:
                days[slot.local_date][slot.venue_id].append(var)
        for day, venues in days.items():
            anchors = fixed.get(day, set())
            used: dict[int, cp_model.IntVar] = {}
            for venue, lits in venues.items():
                if venue in anchors:
                    continue
                u = model.new_bool_var(f"u_{official_id}_{day}_{venue}")
                for lit in lits:
                    model.add_implication(lit, u)
                used[venue] = u
                hints.set(u, max(hints.of(lit) for lit in lits))
                km = sum(distances.km(venue, a) or 0.0 for a in anchors)
                if km and weights.travel:
                    terms.append(round(100 * weights.travel * km) * u)
            if not used:
                continue
            many = len(used) > PAIRWISE_VENUES
            typical = _typical_km(distances, sorted(used)) if many and weights.travel else 0.0
            if (weights.crews or typical) and len(anchors) + len(used) > 1:
                split = model.new_int_var(0, len(anchors) + len(used), f"s_{official_id}_{day}")
                model.add(split >= len(anchors) + cp_model.LinearExpr.sum(list(used.values())) - 1)
                now = len(anchors) + sum(hints.of(u) for u in used.values()) - 1
                hints.set(split, max(0, now))
                # crews: per extra venue; travel with many venues: each extra venue costs the
                # typical distance between them (pairs would be too many Booleans)
                terms.append((100 * weights.crews + round(100 * weights.travel * typical)) * split)
            if weights.travel and not many:
                ids = sorted(used)
                for i, a in enumerate(ids):
                    for b in ids[i + 1 :]:
                        km = distances.km(a, b) or 0.0
                        if km <= 0:
                            continue
                        both = model.new_bool_var(f"p_{official_id}_{day}_{a}_{b}")
                        model.add(both >= used[a] + used[b] - 1)
                        hints.set(both, hints.of(used[a]) * hints.of(used[b]))
                        terms.append(round(100 * weights.travel * km) * both)


def _typical_km(distances: Distances, venues: list[int]) -> float:
    """The median distance between the venues (the first 40 of them), 0 when unknown."""
    sample = venues[:40]
    found = sorted(
        km
        for i, a in enumerate(sample)
        for b in sample[i + 1 :]
        if (km := distances.km(a, b) or 0.0) > 0
    )
    return found[len(found) // 2] if found else 0.0


def _round_travel(
    model: cp_model.CpModel,
    ctx: Context,
    distances: Distances,
    holdings: Holdings,
    mine: dict[int, list[tuple[Slot, cp_model.IntVar]]],
    terms: Terms,
    hints: Hints,
) -> None:
    weight = ctx.options.weights.travel
    if not weight:
        return
    rounds = sorted({s.round for s in ctx.instance.slots if s.round is not None})
    for official_id in ctx.officials:
        at: dict[int, list[tuple[Slot, cp_model.IntVar | int]]] = defaultdict(list)
        for slot in holdings.by_official.get(official_id, []):
            assert slot.round is not None
            at[slot.round].append((slot, 1))
        for slot, var in mine.get(official_id, []):
            assert slot.round is not None
            at[slot.round].append((slot, var))
        for r, nxt in itertools.pairwise(rounds):
            here, there = at.get(r, []), at.get(nxt, [])
            if not here or not there:
                continue
            arcs = []
            out_of: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            into: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for a, xa in here:
                for b, xb in there:
                    z = model.new_bool_var(f"z_{official_id}_{a.id}_{b.id}")
                    hints.set(z, hints.of(xa) * hints.of(xb))
                    out_of[a.id].append(z)
                    into[b.id].append(z)
                    arcs.append(z)
                    km = distances.km(a.venue_id, b.venue_id) or 0.0
                    if km > 0:
                        terms.append(round(100 * weight * km) * z)
            # An arc only between slots the official holds; one when they work both rounds.
            for a, xa in here:
                model.add(cp_model.LinearExpr.sum(out_of[a.id]) <= xa)
            for b, xb in there:
                model.add(cp_model.LinearExpr.sum(into[b.id]) <= xb)
            works = [x for _, x in here] + [x for _, x in there]
            model.add(cp_model.LinearExpr.sum(arcs) >= cp_model.LinearExpr.sum(works) - 1)
