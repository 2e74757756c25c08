"""``solve``: fill a date range's vacant slots with OR-Tools CP-SAT, lexicographically.

1. *Fill* (about 40% of ``Options.time_limit_seconds``): maximise the number of filled
   slots under every hard constraint (:mod:`.model`), hinted with the greedy baseline. The
   solver's proved upper bound is ``Proposal.bound_filled`` (equal to the fill when the
   phase is optimal).
2. *Balance* (the rest of the time): keep at least that many slots filled and minimise the
   soft objective (:mod:`.costs`), hinted with phase 1's solution.

``status`` is ``optimal`` when both phases proved optimality, ``feasible`` when a time limit
stopped either, ``infeasible`` when the hard constraints admit no assignment at all (only
``visit_every_venue`` can cause it), ``unsolved`` when no assignment meeting
``visit_every_venue`` was found in time (no fills). Every vacant slot left empty is explained
(:mod:`.explain`).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.bound import flow_bound
from refdesk.server.autoassign.costs import add_costs
from refdesk.server.autoassign.eligible import eligibility, prune
from refdesk.server.autoassign.explain import empty_slots
from refdesk.server.autoassign.greedy import fills_of, greedy_pairs
from refdesk.server.autoassign.instance import Instance, Options, Progress, Proposal, Slot
from refdesk.server.autoassign.model import Built, build_model
from refdesk.server.autoassign.objective import objective
from refdesk.server.autoassign.rules import Context, build
from refdesk.server.autoassign.travel import Distances

FILL_SHARE = 0.4
MAX_PAIRS = 120_000
"""Above this many eligible (slot, official) pairs, each slot keeps at most
``MAX_PAIRS / slots`` candidates (:func:`eligible.prune`) so the model stays solvable."""
MIN_CANDIDATES = 8
BLOCK_SLOTS = 1200
"""Above this many vacant slots, phase 2 runs one local date at a time."""
BLOCK_PAIRS = 6_000
THROTTLE_SECONDS = 0.5


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Calls ``progress`` on improving solutions, at most every half second."""

    def __init__(
        self, progress: Progress | None, phase: str, low: float, high: float, limit: float
    ):
        super().__init__()
        self.progress, self.phase = progress, phase
        self.low, self.high, self.limit = low, high, max(limit, 1e-3)
        self.began = time.perf_counter()
        self.last = 0.0

    def on_solution_callback(self) -> None:
        if self.progress is None:
            return
        now = time.perf_counter()
        if now - self.last < THROTTLE_SECONDS:
            return
        self.last = now
        done = min(1.0, (now - self.began) / self.limit)
        self.progress(self.phase, self.low + (self.high - self.low) * done)


def _solver(options: Options, seconds: float, presolve: bool = True) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    # Presolve can eat a short block's whole budget; the blocks start from a complete hint.
    solver.parameters.cp_model_presolve = presolve
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.num_workers = max(1, options.workers)
    solver.parameters.random_seed = options.seed
    return solver


def _chosen(solver: cp_model.CpSolver, built: Built) -> dict[int, int]:
    return {slot: official for (slot, official), var in built.x.items() if solver.value(var)}


def solve(
    instance: Instance, options: Options | None = None, progress: Progress | None = None
) -> Proposal:
    options = options or Options()
    began = time.perf_counter()
    deadline = began + options.time_limit_seconds

    def report(phase: str, fraction: float) -> None:
        if progress is not None:
            progress(phase, fraction)

    report("preparing", 0.0)
    ctx = build(instance, options)
    distances = Distances(instance)
    holdings = Holdings(ctx, distances)
    if not ctx.open_slots:
        report("done", 1.0)
        return _proposal(ctx, {}, "optimal", 0, began)
    eligible = eligibility(ctx, holdings)
    hint = greedy_pairs(ctx, eligible)
    ceiling = flow_bound(ctx, holdings, eligible)
    pairs = sum(len(officials) for officials in eligible.values())
    pruned = pairs > MAX_PAIRS
    if pruned:
        most = max(MIN_CANDIDATES, MAX_PAIRS // len(ctx.open_slots))
        eligible = prune(ctx, eligible, hint, most)
    report("preparing", 0.05)
    built: Built | None = None
    bound_filled: int | None
    if len(hint) == ceiling and not options.visit_every_venue:
        # The baseline already fills the proved maximum.
        chosen, bound_filled, optimal = hint, ceiling, True
    else:
        built = build_model(ctx, distances, holdings, eligible)
        chosen, bound_filled, optimal = _fill(ctx, built, hint, ceiling, pruned, deadline, progress)
        if bound_filled is None:
            report("done", 1.0)
            return _proposal(ctx, {}, "infeasible", 0, began)
        if bound_filled < 0:
            report("done", 1.0)
            return _proposal(ctx, {}, "unsolved", ceiling, began)
    report("filling", 0.5)
    rest = deadline - time.perf_counter()
    if rest > 0.05 and not ctx.rounds and len(ctx.open_slots) > BLOCK_SLOTS:
        chosen = _balance_by_days(ctx, chosen, deadline, progress)
        optimal = False
    elif rest > 0.05:
        if built is None:
            built = build_model(ctx, distances, holdings, eligible)
        balanced, proved = _balance(
            ctx, built, chosen, distances, holdings, options, rest, progress
        )
        if balanced is not None:
            chosen = balanced
        optimal = optimal and proved and not pruned
    else:
        optimal = False
    report("done", 1.0)
    return _proposal(ctx, chosen, "optimal" if optimal else "feasible", bound_filled, began)


def _fill(
    ctx: Context,
    built: Built,
    hint: dict[int, int],
    ceiling: int,
    pruned: bool,
    deadline: float,
    progress: Progress | None,
) -> tuple[dict[int, int], int | None, bool]:
    """Phase 1: the most filled slots. Returns the choice, the proved bound (None: the hard
    constraints admit nothing) and whether the fill is proved maximal."""
    filled = cp_model.LinearExpr.sum(list(built.x.values()))
    built.model.add(filled <= ceiling)  # proved by the max flow: lets CP-SAT stop there
    built.model.maximize(filled)
    for pair, var in built.x.items():
        built.model.add_hint(var, hint.get(pair[0]) == pair[1])
    seconds = max(0.05, (deadline - time.perf_counter()) * FILL_SHARE)
    solver = _solver(ctx.options, seconds)
    status = solver.solve(built.model, _Reporter(progress, "filling", 0.0, 0.5, seconds))
    if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        return {}, None, False
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No solution in time: the baseline is one, but for visit_every_venue (-1: unsolved).
        return hint, -1 if ctx.options.visit_every_venue else ceiling, False
    chosen = _chosen(solver, built)
    bound = ceiling
    if not pruned and math.isfinite(solver.best_objective_bound):
        bound = min(ceiling, math.floor(solver.best_objective_bound + 1e-6))
    # Pruned candidate lists: the fill is proved only when it reaches the max-flow bound.
    optimal = len(chosen) >= ceiling or (status == cp_model.OPTIMAL and not pruned)
    return chosen, bound, optimal


def _balance(
    ctx: Context,
    built: Built,
    chosen: dict[int, int],
    distances: Distances,
    holdings: Holdings,
    options: Options,
    seconds: float,
    progress: Progress | None,
    presolve: bool = True,
) -> tuple[dict[int, int] | None, bool]:
    """Phase 2: the soft objective with at least ``len(chosen)`` slots filled."""
    model = built.model
    model.clear_objective()  # type: ignore[no-untyped-call]
    model.clear_hints()  # type: ignore[no-untyped-call]
    model.add(cp_model.LinearExpr.sum(list(built.x.values())) >= len(chosen))
    cost = add_costs(built, ctx, distances, holdings, len(chosen) + len(ctx.fixed), chosen)
    model.minimize(cost)
    solver = _solver(options, seconds, presolve)
    status = solver.solve(model, _Reporter(progress, "balancing", 0.5, 1.0, seconds))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _chosen(solver, built), status == cp_model.OPTIMAL
    return None, False


def _balance_by_days(
    ctx: Context, chosen: dict[int, int], deadline: float, progress: Progress | None
) -> dict[int, int]:
    """Phase 2 for large instances, one local date at a time: the day's vacant slots are
    re-optimised (each with at most ``BLOCK_PAIRS / slots`` candidates, the current official
    always among them) with everything held outside the day fixed — so the week and month
    limits and fairness see the whole season — keeping at least as many of them filled. Each
    day starts from the current assignment, so the result is never worse than phase 1's."""
    chosen = dict(chosen)
    weeks: dict[object, list[Slot]] = defaultdict(list)
    for slot in ctx.open_slots:
        weeks[slot.local_date].append(slot)
    order = sorted(weeks, key=str)
    for done, week in enumerate(order):
        seconds = (deadline - time.perf_counter()) / (len(order) - done)
        if seconds <= 0.05:
            break
        inside = {s.id for s in weeks[week]}
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
        better, _ = _balance(
            sub, built, current, distances, holdings, ctx.options, seconds, None, presolve=False
        )
        if better is not None and len(better) >= len(current):
            chosen = {k: v for k, v in chosen.items() if k not in inside} | better
        if progress is not None:
            progress("balancing", 0.5 + 0.5 * (done + 1) / len(order))
    return chosen


def _proposal(
    ctx: Context, chosen: dict[int, int], status: str, bound: int | None, began: float
) -> Proposal:
    fills = fills_of(ctx, chosen)
    left = [s for s in ctx.open_slots if s.id not in chosen]
    return Proposal(
        fills=fills,
        empty=empty_slots(ctx, chosen, left),
        objective=objective(ctx.instance, ctx.options, fills),
        status=status,
        bound_filled=bound,
        solve_seconds=time.perf_counter() - began,
    )
