"""``solve``: fill a date range's vacant slots with OR-Tools CP-SAT, lexicographically.

1. *Fill* (about 40% of ``Options.time_limit_seconds``; skipped when the greedy baseline
   already reaches the max-flow bound of :mod:`.bound`): maximise the number of filled
   slots under every hard constraint (:mod:`.model`), hinted with the greedy baseline. The
   solver's proved upper bound is ``Proposal.bound_filled`` (equal to the fill when the
   phase is optimal). Above ``DECOMPOSE_SLOTS`` vacant slots (without rounds) the fill is
   decomposed instead (:mod:`.decompose`, up to 80% of the time): each local date bounded
   alone, then each Monday week filled, the bound being the sum of the days'.
2. *Balance* (the rest of the time but the last tenth): keep at least that many slots
   filled and minimise the soft objective (:mod:`.costs`), hinted with phase 1's solution.
3. *Polish* (the last tenth, when phase 2 has not proved its optimum; not for rounds or
   ``visit_every_venue``): local search on the exact objective (:mod:`.polish`) — fills by
   chains of hand-ons, then moves and same-day swaps that lower the total.

``status`` is ``optimal`` when both phases proved optimality, ``feasible`` when a time limit
stopped either, ``infeasible`` when the hard constraints admit no assignment at all (only
``visit_every_venue`` can cause it), ``unsolved`` when no assignment meeting
``visit_every_venue`` was found in time (no fills). Every vacant slot left empty is explained
(:mod:`.explain`).

Above ``BLOCK_SLOTS`` vacant slots phase 1 starts from the local search's fills of the
greedy baseline and phase 2 runs one local date at a time (:mod:`.blocks`), with the last
30% of the time left to the polish;
above ``MAX_PAIRS`` eligible pairs each slot keeps a pruned list of candidates for the CP-SAT
models (the local search always sees every eligible official). Phase 2 is then not claimed
optimal (the fill still is, when it reaches its bound).
"""

from __future__ import annotations

import time

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.blocks import MIN_CANDIDATES, by_days
from refdesk.server.autoassign.bound import flow_bound
from refdesk.server.autoassign.decompose import fill_by_days
from refdesk.server.autoassign.eligible import eligibility, prune
from refdesk.server.autoassign.explain import empty_slots
from refdesk.server.autoassign.fairness import capacities
from refdesk.server.autoassign.greedy import fills_of, greedy_pairs
from refdesk.server.autoassign.instance import Instance, Options, Progress, Proposal
from refdesk.server.autoassign.model import Built, build_model
from refdesk.server.autoassign.objective import objective
from refdesk.server.autoassign.phases import FILL_SHARE, balance, fill
from refdesk.server.autoassign.polish import polish
from refdesk.server.autoassign.rules import Context, build
from refdesk.server.autoassign.travel import Distances

MAX_PAIRS = 120_000
"""Above this many eligible (slot, official) pairs, each slot keeps at most
``MAX_PAIRS / slots`` candidates (:func:`eligible.prune`) so the model stays solvable."""
BLOCK_SLOTS = 1200
"""Above this many vacant slots, phase 2 runs one local date at a time."""
DECOMPOSE_SLOTS = 150
"""Above this many vacant slots (without rounds), phase 1 is decomposed by date and week."""
DECOMPOSED_FILL_SHARE = 0.8
"""Phase 1 ends early when the weeks reach their days' bounds: the rest goes to phase 2."""
POLISH_SHARE = 0.1
"""The last part of the time limit, kept for the local search (:mod:`.polish`) when phase 2
has not proved its optimum (instances without rounds)."""
LARGE_POLISH_SHARE = 0.3
"""The same above ``BLOCK_SLOTS``, where phase 2 runs one date at a time: on the 5,000-slot
bench season the local search lowers travel more per second than those blocks."""


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
    eligible = everyone = eligibility(ctx, holdings)
    ctx.capacities = capacities(ctx, holdings, everyone)
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
    large = not ctx.rounds and len(ctx.open_slots) > BLOCK_SLOTS
    if len(hint) == ceiling and not options.visit_every_venue:
        # The baseline already fills the proved maximum.
        chosen, bound_filled, optimal = hint, ceiling, True
    elif large:
        until = time.perf_counter() + (deadline - time.perf_counter()) * FILL_SHARE
        start = polish(ctx, everyone, hint, distances, until, improve=False)
        chosen = by_days(ctx, start, until, progress, True, 0.05, 0.5)
        bound_filled, optimal = ceiling, len(chosen) >= ceiling
    elif not ctx.rounds and len(ctx.open_slots) > DECOMPOSE_SLOTS:
        share = DECOMPOSED_FILL_SHARE
        chosen, days_bound = fill_by_days(
            ctx, hint, time.perf_counter() + (deadline - time.perf_counter()) * share, progress
        )
        bound_filled = min(ceiling, days_bound)
        optimal = len(chosen) >= bound_filled
    else:
        built = build_model(ctx, distances, holdings, eligible)
        chosen, bound_filled, optimal = fill(ctx, built, hint, ceiling, pruned, deadline, progress)
        if bound_filled is None:
            report("done", 1.0)
            return _proposal(ctx, {}, "infeasible", 0, began)
        if bound_filled < 0:
            report("done", 1.0)
            return _proposal(ctx, {}, "unsolved", ceiling, began)
    report("filling", 0.5)
    polishing = not ctx.rounds and not options.visit_every_venue
    share = (LARGE_POLISH_SHARE if large else POLISH_SHARE) if polishing else 0.0
    until = deadline - options.time_limit_seconds * share
    rest = until - time.perf_counter()
    if rest > 0.05 and large:
        chosen = by_days(ctx, chosen, until, progress, False, 0.5, 0.95)
        optimal = False
    elif rest > 0.05:
        if built is None:
            built = build_model(ctx, distances, holdings, eligible)
        balanced, proved = balance(ctx, built, chosen, distances, holdings, options, rest, progress)
        if balanced is not None:
            chosen = balanced
        optimal = optimal and proved and not pruned
    else:
        optimal = False
    if polishing and not optimal:
        report("polishing", 0.95)
        chosen = polish(ctx, everyone, chosen, distances, deadline)
    report("done", 1.0)
    return _proposal(ctx, chosen, "optimal" if optimal else "feasible", bound_filled, began)


def _proposal(
    ctx: Context, chosen: dict[int, int], status: str, bound: int | None, began: float
) -> Proposal:
    fills = fills_of(ctx, chosen)
    left = [s for s in ctx.open_slots if s.id not in chosen]
    return Proposal(
        fills=fills,
        empty=empty_slots(ctx, chosen, left),
        objective=objective(ctx.instance, ctx.options, fills, ctx.capacities),
        status=status,
        bound_filled=bound,
        solve_seconds=time.perf_counter() - began,
    )
