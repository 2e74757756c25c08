"""Random small instances: every proposal passes the independent checker, CP-SAT fills at least
what the greedy baseline fills and no more than the max-flow bound, every vacant slot is either
filled or explained, and the fast eligibility equals the unary rules."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.bound import fill_bound
from refdesk.server.autoassign.check import violations
from refdesk.server.autoassign.decompose import fill_by_days
from refdesk.server.autoassign.eligible import eligibility
from refdesk.server.autoassign.greedy import greedy, greedy_pairs
from refdesk.server.autoassign.instance import (
    Fill,
    Instance,
    Options,
)
from refdesk.server.autoassign.rules import build, unary
from refdesk.server.autoassign.solver import solve
from tests.support.autoassign_instances import instances


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_instances(case: tuple[Instance, Options]) -> None:
    instance, options = case
    proposal = solve(instance, options)
    baseline = greedy(instance, options)
    assert violations(instance, options, proposal.fills) == []
    assert violations(instance, options, baseline.fills) == []
    assert proposal.objective.filled >= baseline.objective.filled
    assert fill_bound(instance, options) >= proposal.objective.filled
    if proposal.bound_filled is not None:
        assert proposal.bound_filled >= proposal.objective.filled
    vacant = {s.id for s in instance.slots if not (s.fixed and s.official_id is not None)}
    filled = {f.slot_id for f in proposal.fills}
    assert filled | {e.slot_id for e in proposal.empty} == vacant
    assert not filled & {e.slot_id for e in proposal.empty}
    if proposal.status == "optimal":
        assert all(e.summary and "could still take it" not in e.summary for e in proposal.empty)
    ctx = build(instance, options)
    holdings = Holdings(ctx)
    fast = eligibility(ctx, holdings)
    for slot in ctx.open_slots:
        slow = [
            o.id
            for o in sorted(instance.officials, key=lambda o: o.id)
            if not unary(ctx, slot, o) and not holdings.reasons(slot, o)
        ]
        assert fast[slot.id] == slow


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_instances_decomposed(case: tuple[Instance, Options]) -> None:
    """The fill by decomposition (days bounded alone, weeks filled; called directly, since
    the solver skips it when greedy already meets the flow bound) against one model of the
    whole instance: its bound is never below the whole model's proved maximum, its fill never
    above it nor below greedy's, and it breaks no rule."""
    instance, options = case
    whole = solve(instance, options)
    ctx = build(instance, options)
    hint = greedy_pairs(ctx)
    chosen, bound = fill_by_days(ctx, hint, time.perf_counter() + 2.0, None)
    fills = tuple(Fill(slot, official, 0) for slot, official in chosen.items())
    assert violations(instance, options, fills) == []
    assert len(hint) <= len(chosen) <= bound
    if whole.status == "optimal":
        assert len(chosen) <= whole.objective.filled <= bound
