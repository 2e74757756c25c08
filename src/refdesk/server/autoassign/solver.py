"""``solve``: fill a date range's vacant slots with OR-Tools CP-SAT, lexicographically.

1. *Fill* (about 40% of ``Options.time_limit_seconds``): maximise the number of filled
   slots under every hard constraint (:mod:`.model`), hinted with the greedy baseline. The
   solver's proved upper bound is ``Proposal.bound_filled`` (equal to the fill when the
   phase is optimal).
2. *Balance* (the rest of the time): keep at least that many slots filled and minimise the
   soft objective (:mod:`.costs`), hinted with phase 1's solution.

``status`` is ``optimal`` when both phases proved optimality, ``feasible`` when a time limit
stopped either, ``infeasible`` when the hard constraints admit no assignment at all (only
``visit_every_venue`` can cause it). Every vacant slot left empty is explained
(:mod:`.explain`).
"""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.costs import add_costs
from refdesk.server.autoassign.explain import empty_slots
from refdesk.server.autoassign.greedy import fills_of, greedy_pairs
from refdesk.server.autoassign.instance import Instance, Options, Progress, Proposal
from refdesk.server.autoassign.model import Built, build_model, eligibility
from refdesk.server.autoassign.objective import objective
from refdesk.server.autoassign.rules import Context, build
from refdesk.server.autoassign.travel import Distances

FILL_SHARE = 0.4
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


def _solver(options: Options, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
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
    hint = greedy_pairs(ctx)
    built = build_model(ctx, distances, holdings, eligible)
    filled = cp_model.LinearExpr.sum(list(built.x.values()))
    built.model.maximize(filled)
    for pair, var in built.x.items():
        built.model.add_hint(var, hint.get(pair[0]) == pair[1])
    first = max(0.05, (deadline - time.perf_counter()) * FILL_SHARE)
    solver = _solver(options, first)
    status = solver.solve(built.model, _Reporter(progress, "filling", 0.0, 0.5, first))
    if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID:
        report("done", 1.0)
        return _proposal(ctx, {}, "infeasible", 0, began)
    bound = solver.best_objective_bound
    bound_filled = math.floor(bound + 1e-6) if math.isfinite(bound) else None
    # No solution in time: the baseline is one.
    solved = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    chosen = _chosen(solver, built) if solved else hint
    optimal = status == cp_model.OPTIMAL
    report("filling", 0.5)
    rest = deadline - time.perf_counter()
    if rest > 0.05:
        balanced, proved = _balance(
            ctx, built, chosen, distances, holdings, options, rest, progress
        )
        if balanced is not None:
            chosen = balanced
        optimal = optimal and proved
    else:
        optimal = False
    report("done", 1.0)
    return _proposal(ctx, chosen, "optimal" if optimal else "feasible", bound_filled, began)


def _balance(
    ctx: Context,
    built: Built,
    chosen: dict[int, int],
    distances: Distances,
    holdings: Holdings,
    options: Options,
    seconds: float,
    progress: Progress | None,
) -> tuple[dict[int, int] | None, bool]:
    """Phase 2: the soft objective with at least ``len(chosen)`` slots filled."""
    model = built.model
    model.clear_objective()  # type: ignore[no-untyped-call]
    model.clear_hints()  # type: ignore[no-untyped-call]
    model.add(cp_model.LinearExpr.sum(list(built.x.values())) >= len(chosen))
    for pair, var in built.x.items():
        model.add_hint(var, chosen.get(pair[0]) == pair[1])
    cost = add_costs(built, ctx, distances, holdings, len(chosen) + len(ctx.fixed))
    model.minimize(cost)
    solver = _solver(options, seconds)
    status = solver.solve(model, _Reporter(progress, "balancing", 0.5, 1.0, seconds))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _chosen(solver, built), status == cp_model.OPTIMAL
    return None, False


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
