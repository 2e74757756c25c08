"""Phase 1 for seasons: the fill by decomposition, with a proof that needs no model of the
whole season.

1. *Day bounds.* Each local date alone — its vacant slots, the fixed slots, every rule — but
   with the week and month limits dropped, maximised with CP-SAT. Any assignment of the
   season, restricted to one date, is an assignment of that relaxed day (it only has fewer
   constraints), so the sum of the days' maxima bounds the season's fill. A day proved in
   time counts with its maximum; one that is not, with CP-SAT's bound (or the day's max-flow
   bound, :mod:`.bound`, when that is lower or the day is too large to model).
2. *Week fills.* Each Monday week (the widest limit that couples a season's dates; month
   limits see the other weeks as fixed), everything outside it fixed, maximised from the
   days' relaxed solutions made feasible (:func:`greedy.greedy_pairs` with a preference),
   with each date's fill capped by its bound and stopped at the week's sum
   (:func:`blocks.by_days` keyed by week); further passes over the weeks still below their
   sum while phase 1's time lasts.

The fill is proved maximal when it reaches the sum of the day bounds; it never falls below
the greedy baseline's. Measured on the 500-slot bench season (two weekends, 75 officials,
150 s): the days prove 131 + 124 + 118 + 124 = 497 and the weeks fill 255 + 242 = 497, where
one CP-SAT model of the whole season had reached 495 in 60 s (bound 498).
The hard part is a day with a maximum of 124 that CP-SAT bounds at 125 by its relaxation: only
the symmetry-breaking worker (:data:`phases.FILL_SUBSOLVERS`) proves it.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import replace
from datetime import date

from ortools.sat.python import cp_model

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.blocks import by_days
from refdesk.server.autoassign.bound import flow_bound
from refdesk.server.autoassign.eligible import eligibility
from refdesk.server.autoassign.greedy import greedy_pairs
from refdesk.server.autoassign.instance import Instance, Official, Options, Progress, Slot
from refdesk.server.autoassign.model import build_model
from refdesk.server.autoassign.phases import chosen_of, new_solver
from refdesk.server.autoassign.polish import polish
from refdesk.server.autoassign.rules import Context, build, week_of
from refdesk.server.autoassign.travel import Distances

DAY_SHARE = 0.6
"""Of phase 1's time, the share for the day bounds (the weeks get the rest)."""
MIN_PASS_SECONDS = 1.0
DAY_PAIRS = 60_000
"""Above this many eligible pairs in one day, the day is bounded by its max flow alone."""


def unlimited(official: Official) -> Official:
    return replace(official, max_per_week=None, max_per_month=None)


def relaxed_day(ctx: Context, day: date, slots: list[Slot]) -> Context:
    """The day's vacant ``slots`` and every fixed slot, without week and month limits."""
    instance = replace(
        ctx.instance,
        slots=tuple(slots) + tuple(ctx.fixed),
        officials=tuple(unlimited(o) for o in ctx.instance.officials),
    )
    return build(instance, replace(ctx.options, max_per_week=None))


def day_bound(ctx: Context, hint: dict[int, int], seconds: float) -> tuple[dict[int, int], int]:
    """One relaxed day's fullest assignment found in ``seconds`` and a proved bound on it."""
    distances = Distances(ctx.instance)
    holdings = Holdings(ctx, distances)
    eligible = eligibility(ctx, holdings)
    ceiling = flow_bound(ctx, holdings, eligible)
    start = {k: v for k, v in hint.items() if v in eligible.get(k, ())}
    if len(start) >= ceiling:
        return start, ceiling
    if sum(len(o) for o in eligible.values()) > DAY_PAIRS:
        return start, ceiling
    built = build_model(ctx, distances, holdings, eligible)
    filled = cp_model.LinearExpr.sum(list(built.x.values()))
    built.model.add(filled <= ceiling)
    built.model.maximize(filled)
    for pair, var in built.x.items():
        built.model.add_hint(var, start.get(pair[0]) == pair[1])
    solver = new_solver(ctx.options, seconds, fill=True)
    status = solver.solve(built.model)
    if status == cp_model.OPTIMAL:
        found = chosen_of(solver, built)
        return found, len(found)
    if status == cp_model.FEASIBLE:
        found = chosen_of(solver, built)
        if math.isfinite(solver.best_objective_bound):
            ceiling = min(ceiling, math.floor(solver.best_objective_bound + 1e-6))
        return found, max(ceiling, len(found))
    return start, ceiling


def week_key(slot: Slot) -> Hashable:
    return week_of(slot.local_date)


def day_bounds(
    ctx: Context, hint: dict[int, int], until: float, progress: Progress | None = None
) -> tuple[dict[int, int], dict[date, int]]:
    """Every local date's relaxed fill and proved bound (see the module), sharing the time
    until ``until`` (a day proved early leaves its time to the later ones)."""
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in ctx.open_slots:
        days[slot.local_date].append(slot)
    order = sorted(days)
    relaxed: dict[int, int] = {}
    bounds: dict[date, int] = {}
    for done, day in enumerate(order):
        seconds = max(0.0, (until - time.perf_counter()) / (len(order) - done))
        found, bounds[day] = day_bound(relaxed_day(ctx, day, days[day]), hint, seconds)
        relaxed |= found
        if progress is not None:
            progress("filling", 0.05 + 0.25 * (done + 1) / len(order))
    return relaxed, bounds


def season_bound(instance: Instance, options: Options, seconds: float) -> int:
    """A proved bound on the vacant slots any assignment of ``instance`` fills: the sum of
    its relaxed days' (``seconds`` in all to prove them)."""
    ctx = build(instance, options)
    distances = Distances(instance)
    eligible = eligibility(ctx, Holdings(ctx, distances))
    # The fuller the start, the more days CP-SAT proves early (their time goes to the rest).
    hint = polish(ctx, eligible, greedy_pairs(ctx, eligible), distances, math.inf, improve=False)
    _, bounds = day_bounds(ctx, hint, time.perf_counter() + seconds)
    return sum(bounds.values())


def fill_by_days(
    ctx: Context,
    hint: dict[int, int],
    deadline: float,
    progress: Progress | None,
) -> tuple[dict[int, int], int]:
    """Phase 1 by decomposition (see the module) until ``deadline``, from the feasible
    ``hint`` (the greedy baseline). Returns the fill and its proved bound."""
    until = time.perf_counter() + (deadline - time.perf_counter()) * DAY_SHARE
    relaxed, bounds = day_bounds(ctx, hint, until, progress)
    weeks: dict[Hashable, int] = defaultdict(int)
    for day, most in bounds.items():
        weeks[week_of(day)] += most
    bound = sum(weeks.values())
    chosen = by_days(
        ctx, hint, deadline, progress, True, 0.3, 0.5, week_key, relaxed, weeks, bounds
    )
    # Further passes over the weeks below their bound, from where the last one left them,
    # while time is left and a pass still finds more.
    while len(chosen) < bound and deadline - time.perf_counter() > MIN_PASS_SECONDS:
        again = by_days(ctx, chosen, deadline, None, True, 0.5, 0.5, week_key, None, weeks, bounds)
        if len(again) <= len(chosen):
            break
        chosen = again
    return chosen, bound
