"""Large instances, one local date at a time: the day's vacant slots are re-optimised with
everything held outside the day fixed — so week and month limits and fairness see the whole
season — each slot keeping at most ``BLOCK_PAIRS / slots`` candidates (the current official
always among them), from a complete hint of the current assignment and without presolve
(it can eat a short block's budget). Phase 1 per day maximises the day's fill; phase 2 per
day minimises the soft objective keeping the day's fill. Each day starts from the current
assignment, so the result is never worse than the greedy baseline's."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import date

from ortools.sat.python import cp_model

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.eligible import eligibility, prune
from refdesk.server.autoassign.greedy import greedy_pairs
from refdesk.server.autoassign.instance import Progress, Slot
from refdesk.server.autoassign.model import build_model
from refdesk.server.autoassign.phases import balance, chosen_of, new_solver
from refdesk.server.autoassign.rules import Context, build
from refdesk.server.autoassign.travel import Distances

BLOCK_PAIRS = 6_000
FILL_PAIRS = 20_000
"""A fill stopped at a proved ceiling (:mod:`.decompose`'s weeks) keeps more candidates per
slot, and presolves."""
MIN_CANDIDATES = 8


def block_context(ctx: Context, inside: set[int], chosen: dict[int, int]) -> Context:
    """The slots ``inside`` to decide; the fixed slots and the ``chosen`` ones outside, fixed
    with their official; the other vacant slots left out."""
    slots = [s for s in ctx.instance.slots if s.id in inside]
    for slot in ctx.instance.slots:
        if slot.id in inside:
            continue
        if slot.fixed and slot.official_id is not None:
            slots.append(slot)
        elif slot.id in chosen:
            slots.append(replace(slot, official_id=chosen[slot.id], fixed=True))
    sub = build(replace(ctx.instance, slots=tuple(slots)), ctx.options)
    sub.capacities = ctx.capacities  # the whole instance's fair shares
    return sub


def local_date(slot: Slot) -> Hashable:
    return slot.local_date


def by_days(
    ctx: Context,
    chosen: dict[int, int],
    deadline: float,
    progress: Progress | None,
    fill: bool,
    low: float,
    high: float,
    key: Callable[[Slot], Hashable] = local_date,
    hint: dict[int, int] | None = None,
    ceilings: dict[Hashable, int] | None = None,
    day_ceilings: dict[date, int] | None = None,
) -> dict[int, int]:
    """One pass over the blocks of vacant slots with the same ``key`` (local dates unless
    told; phase 1 when ``fill``, else phase 2) until ``deadline``; ``progress`` goes from
    ``low`` to ``high``. A fill starts from ``hint`` made feasible (kept where the rules
    allow) when given, else from the current assignment, and stops at the block's entry in
    ``ceilings`` (a proved bound on its fill) if any; ``day_ceilings`` bound each local date's
    fill within a block the same way (cuts that tighten CP-SAT's relaxation)."""
    chosen = dict(chosen)
    days: dict[Hashable, list[Slot]] = defaultdict(list)
    for slot in ctx.open_slots:
        days[key(slot)].append(slot)
    order = sorted(days, key=lambda k: min(s.start for s in days[k]))
    if fill and ceilings is not None:  # a block already at its proved ceiling is done
        order = [
            k for k in order if sum(s.id in chosen for s in days[k]) < ceilings.get(k, 1 << 30)
        ]
    for done, day in enumerate(order):
        seconds = (deadline - time.perf_counter()) / (len(order) - done)
        if seconds <= 0.05:
            break
        inside = {s.id for s in days[day]}
        sub = block_context(ctx, inside, chosen)
        distances = Distances(sub.instance)
        holdings = Holdings(sub, distances)
        eligible = eligibility(sub, holdings)
        current = {k: v for k, v in chosen.items() if k in inside}
        start = current
        if hint is not None:
            start = greedy_pairs(sub, eligible, {k: v for k, v in hint.items() if k in inside})
            start = start if len(start) > len(current) else current
        ceiling = None if ceilings is None else ceilings.get(day)
        limit = BLOCK_PAIRS if ceiling is None else FILL_PAIRS
        pairs = sum(len(officials) for officials in eligible.values())
        if pairs > limit:
            most = max(MIN_CANDIDATES, limit // len(inside))
            eligible = prune(sub, eligible, start, most)
        built = build_model(sub, distances, holdings, eligible)
        better: dict[int, int] | None
        if fill:
            model = built.model
            filled = cp_model.LinearExpr.sum(list(built.x.values()))
            model.maximize(filled)
            if ceiling is not None:
                model.add(filled <= ceiling)
            for local, most in (day_ceilings or {}).items():
                on_day = [v for (s, _), v in built.x.items() if sub.slots[s].local_date == local]
                if len(on_day) > most:
                    model.add(cp_model.LinearExpr.sum(on_day) <= most)
            for pair, var in built.x.items():
                model.add_hint(var, start.get(pair[0]) == pair[1])
            solver = new_solver(sub.options, seconds, ceiling is not None, fill=True)
            status = solver.solve(model)
            solved = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            better = chosen_of(solver, built) if solved else None
        else:
            better, _ = balance(
                sub, built, current, distances, holdings, sub.options, seconds, None, False
            )
        better = better if better is not None and len(better) >= len(start) else start
        if len(better) >= len(current):
            chosen = {k: v for k, v in chosen.items() if k not in inside} | better
        if progress is not None:
            progress(
                "filling" if fill else "balancing", low + (high - low) * (done + 1) / len(order)
            )
    return chosen
