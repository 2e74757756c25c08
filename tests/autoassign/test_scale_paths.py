"""The paths large instances take, forced on small ones: candidate pruning, phase 2 one local
date at a time; and the TUP-shaped model (rounds, exact travel arcs, every venue visited)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from refdesk.server.autoassign import blocks as blocks_module
from refdesk.server.autoassign import solver as solver_module
from refdesk.server.autoassign.check import violations
from refdesk.server.autoassign.greedy import greedy
from refdesk.server.autoassign.instance import Weights
from refdesk.server.autoassign.solver import solve

DAYS = [date(2026, 10, 10) + timedelta(days=d) for d in range(3)]


def season(mk: Any) -> Any:
    venues = tuple(mk.venue(v, 45 + 0.1 * v, -75.0) for v in range(1, 4))
    slots = []
    game = 0
    for day in DAYS:
        for hour in (9, 11, 13):
            for venue in (1, 2, 3):
                game += 1
                slots.append(mk.slot(game, hour, day=day, venue_id=venue, level=venue))
    officials = [mk.official(o, strength=o % 4, max_per_day=2) for o in range(1, 8)]
    return mk.instance(slots, officials, venues=venues)


def test_day_blocks_and_pruning_keep_every_rule_and_beat_greedy(
    mk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = season(mk)
    options = mk.options(time_limit_seconds=6.0)
    monkeypatch.setattr(solver_module, "BLOCK_SLOTS", 5)
    monkeypatch.setattr(solver_module, "MAX_PAIRS", 60)
    monkeypatch.setattr(blocks_module, "BLOCK_PAIRS", 40)
    phases: list[str] = []
    proposal = solve(instance, options, lambda phase, _: phases.append(phase))
    baseline = greedy(instance, options)
    assert violations(instance, options, proposal.fills) == []
    assert proposal.objective.filled >= baseline.objective.filled
    assert proposal.objective.total <= baseline.objective.total
    assert proposal.status == "feasible"  # pruned: never claimed optimal
    assert proposal.bound_filled is not None
    assert proposal.bound_filled >= proposal.objective.filled
    assert phases.count("balancing") == len(DAYS)  # one block per local date


def test_rounds_travel_is_exact_and_every_venue_is_visited(mk: Any) -> None:
    venues = (mk.venue(1), mk.venue(2))
    distance = {(1, 2): 100.0}
    slots = [
        mk.slot(1, 10, venue_id=1, round=1),
        mk.slot(2, 10, venue_id=2, round=1),
        mk.slot(3, 11, venue_id=1, round=2),
        mk.slot(4, 11, venue_id=2, round=2),
    ]
    officials = [mk.official(1), mk.official(2)]
    instance = mk.instance(slots, officials, venues=venues, distance_km=distance)
    stay = solve(instance, mk.options(weights=Weights(fairness=0)))
    assert stay.objective.filled == 4 and stay.objective.travel_km == 0.0
    assert stay.status == "optimal"
    options = mk.options(visit_every_venue=True, weights=Weights(fairness=0))
    visit = solve(instance, options)
    assert violations(instance, options, visit.fills) == []
    assert visit.objective.filled == 4 and visit.objective.travel_km == 200.0
    assert visit.status == "optimal"


def test_impossible_visit_is_infeasible(mk: Any) -> None:
    slots = [mk.slot(1, 10, venue_id=1, round=1), mk.slot(2, 11, venue_id=2, round=2)]
    officials = [mk.official(1), mk.official(2, venue_conflicts=frozenset({2}))]
    options = mk.options(visit_every_venue=True)
    proposal = solve(mk.instance(slots, officials), options)
    assert proposal.status == "infeasible" and proposal.fills == ()
    assert {e.slot_id for e in proposal.empty} == {1, 2}


def test_day_blocks_fill_what_greedy_leaves(mk: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each day greedy gives position 1 to official 1, the only one qualified for position 2.
    slots = []
    for game, day in enumerate(DAYS, start=1):
        slots.append(mk.slot(game, 10, day=day, position_id=1))
        slots.append(mk.slot(game + 10, 10, day=day, position_id=2))
    officials = [
        mk.official(1, qualified=frozenset({(0, 1), (0, 2)})),
        mk.official(2, qualified=frozenset({(0, 1)})),
    ]
    instance = mk.instance(slots, officials)
    options = mk.options(time_limit_seconds=4.0)
    monkeypatch.setattr(solver_module, "BLOCK_SLOTS", 2)
    phases: list[str] = []
    proposal = solve(instance, options, lambda phase, _: phases.append(phase))
    assert greedy(instance, options).objective.filled == 3
    assert proposal.objective.filled == 6 and proposal.bound_filled == 6
    assert violations(instance, options, proposal.fills) == []
    assert phases.count("filling") == len(DAYS) + 1  # one per local date, then the end
