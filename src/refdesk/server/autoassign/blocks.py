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
from dataclasses import replace
from datetime import date

from ortools.sat.python import cp_model

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.eligible import eligibility, prune
from refdesk.server.autoassign.instance import Progress, Slot
from refdesk.server.autoassign.model import build_model
from refdesk.server.autoassign.phases import balance, chosen_of, new_solver
from refdesk.server.autoassign.rules import Context, build
from refdesk.server.autoassign.travel import Distances

BLOCK_PAIRS = 6_000
MIN_CANDIDATES = 8


def by_days(
    ctx: Context,
    chosen: dict[int, int],
    deadline: float,
    progress: Progress | None,
    fill: bool,
    low: float,
    high: float,
) -> dict[int, int]:
    """One pass over the local dates (phase 1 when ``fill``, else phase 2) until
    ``deadline``; ``progress`` goes from ``low`` to ``high``."""
    chosen = dict(chosen)
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in ctx.open_slots:
        days[slot.local_date].append(slot)
    order = sorted(days)
    for done, day in enumerate(order):
        seconds = (deadline - time.perf_counter()) / (len(order) - done)
        if seconds <= 0.05:
            break
        inside = {s.id for s in days[day]}
        slots = [s for s in ctx.instance.slots if s.id in inside]
        for slot in ctx.instance.slots:
            if slot.id in inside:
                continue
            if slot.fixed and slot.official_id is not None:
                slots.append(slot)
            elif slot.id in chosen:
                slots.append(replace(slot, official_id=chosen[slot.id], fixed=True))
        sub = build(replace(ctx.instance, slots=tuple(slots)), ctx.options)
        distances = Distances(sub.instance)
        holdings = Holdings(sub, distances)
        eligible = eligibility(sub, holdings)
        current = {k: v for k, v in chosen.items() if k in inside}
        pairs = sum(len(officials) for officials in eligible.values())
        if pairs > BLOCK_PAIRS:
            most = max(MIN_CANDIDATES, BLOCK_PAIRS // len(inside))
            eligible = prune(sub, eligible, current, most)
        built = build_model(sub, distances, holdings, eligible)
        better: dict[int, int] | None
        if fill:
            model = built.model
            model.maximize(cp_model.LinearExpr.sum(list(built.x.values())))
            for pair, var in built.x.items():
                model.add_hint(var, current.get(pair[0]) == pair[1])
            solver = new_solver(sub.options, seconds, presolve=False)
            status = solver.solve(model)
            solved = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            better = chosen_of(solver, built) if solved else None
        else:
            better, _ = balance(
                sub, built, current, distances, holdings, sub.options, seconds, None, False
            )
        if better is not None and len(better) >= len(current):
            chosen = {k: v for k, v in chosen.items() if k not in inside} | better
        if progress is not None:
            progress(
                "filling" if fill else "balancing", low + (high - low) * (done + 1) / len(order)
            )
    return chosen
