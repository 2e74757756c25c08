"""The two CP-SAT phases on a built model: fill the most slots, then minimise the soft
objective keeping that fill (see :mod:`.solver`)."""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.costs import add_costs
from refdesk.server.autoassign.instance import Options, Progress
from refdesk.server.autoassign.model import Built
from refdesk.server.autoassign.rules import Context
from refdesk.server.autoassign.travel import Distances

FILL_SHARE = 0.4
THROTTLE_SECONDS = 0.5
FILL_SUBSOLVERS = ("max_lp_sym", "reduced_costs", "default_lp", "core", "quick_restart", "no_lp")
"""The full-problem workers for a fill (with fewer than 8 workers, the first ``workers``;
CP-SAT's own portfolio from 8). Officials of the same grade, availability and limits are
interchangeable, and only the worker that breaks that symmetry (``max_lp_sym``) proves a
season day's maximum in reasonable time: measured on the 500-slot bench's hardest day, 14 s
with these two workers against no proof in 60 s with CP-SAT's default two."""


class Reporter(cp_model.CpSolverSolutionCallback):
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


def new_solver(
    options: Options, seconds: float, presolve: bool = True, fill: bool = False
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    # Presolve can eat a short block's whole budget; the blocks start from a complete hint.
    solver.parameters.cp_model_presolve = presolve
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    workers = max(1, options.workers)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = options.seed
    if fill and 2 <= workers < 8:
        solver.parameters.subsolvers.extend(FILL_SUBSOLVERS[:workers])
    return solver


def chosen_of(solver: cp_model.CpSolver, built: Built) -> dict[int, int]:
    return {slot: official for (slot, official), var in built.x.items() if solver.value(var)}


def fill(
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
    solver = new_solver(ctx.options, seconds, fill=True)
    status = solver.solve(built.model, Reporter(progress, "filling", 0.0, 0.5, seconds))
    if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        return {}, None, False
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No solution in time: the baseline is one, but for visit_every_venue (-1: unsolved).
        return hint, -1 if ctx.options.visit_every_venue else ceiling, False
    chosen = chosen_of(solver, built)
    bound = ceiling
    if not pruned and math.isfinite(solver.best_objective_bound):
        bound = min(ceiling, math.floor(solver.best_objective_bound + 1e-6))
    # Pruned candidate lists: the fill is proved only when it reaches the max-flow bound.
    optimal = len(chosen) >= ceiling or (status == cp_model.OPTIMAL and not pruned)
    return chosen, bound, optimal


def balance(
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
    solver = new_solver(options, seconds, presolve)
    status = solver.solve(model, Reporter(progress, "balancing", 0.5, 1.0, seconds))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return chosen_of(solver, built), status == cp_model.OPTIMAL
    return None, False
