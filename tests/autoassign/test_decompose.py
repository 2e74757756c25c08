"""The fill by decomposition (:mod:`autoassign.decompose`), forced on small instances: each
local date bounded alone proves what the max-flow bound cannot, the week fill keeps the
limits that couple the dates, and the proof run never claims less than a proved optimum."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from bench.autoassign_season import season as bench_season

from refdesk.server.autoassign import solver as solver_module
from refdesk.server.autoassign.bound import fill_bound
from refdesk.server.autoassign.check import violations
from refdesk.server.autoassign.decompose import season_bound
from refdesk.server.autoassign.greedy import greedy
from refdesk.server.autoassign.solver import solve

SATURDAY = date(2026, 10, 10)
SUNDAY = SATURDAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def decomposed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solver_module, "DECOMPOSE_SLOTS", 1)


def far_apart(mk: Any) -> tuple[Any, ...]:
    return (mk.venue(1, 40.0, -75.0), mk.venue(2, 40.5, -75.0))  # ~56 km


def test_the_days_prove_a_maximum_the_flow_bound_cannot(mk: Any) -> None:
    # Saturday: two games 5 minutes apart at venues 56 km apart (travel, not overlap, rules
    # one out); Sunday: one game. One official: at most 2 of the 3.
    assert SATURDAY.weekday() == 5
    slots = [
        mk.slot(1, 10, day=SATURDAY, venue_id=1),
        mk.slot(2, 11 + 5 / 60, day=SATURDAY, venue_id=2),
        mk.slot(3, 10, day=SUNDAY, venue_id=1),
    ]
    instance = mk.instance(slots, [mk.official(1)], venues=far_apart(mk))
    options = mk.options()
    phases: list[str] = []
    proposal = solve(instance, options, lambda phase, _: phases.append(phase))
    assert fill_bound(instance, options) == 3  # the flow relaxes travel
    assert proposal.objective.filled == 2 and proposal.bound_filled == 2
    assert violations(instance, options, proposal.fills) == []
    assert season_bound(instance, options, 5.0) == 2
    assert "filling" in phases and phases[-1] == "done"


def test_the_week_fill_repairs_the_days_choices_and_beats_greedy(mk: Any) -> None:
    # Official 1 is the only one for the AR slots (position 2); greedy gives them the
    # referee slots first, and their weekly limit of 2 then runs out.
    slots = []
    for game, day in enumerate((SATURDAY, SUNDAY), start=1):
        slots.append(mk.slot(game, 10, day=day, position_id=1))
        slots.append(mk.slot(game, 10, day=day, position_id=2))
        slots.append(mk.slot(game + 10, 12, day=day, position_id=1))
    officials = [
        mk.official(1, qualified=frozenset({(0, 1), (0, 2)}), max_per_week=2),
        mk.official(2, qualified=frozenset({(0, 1)})),
    ]
    instance = mk.instance(slots, officials)
    options = mk.options()
    proposal = solve(instance, options)
    baseline = greedy(instance, options)
    assert violations(instance, options, proposal.fills) == []
    assert baseline.objective.filled < proposal.objective.filled == 6
    assert proposal.bound_filled == 6


def test_the_proof_run_never_claims_less_than_a_proved_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The bench's 50-slot season: one CP-SAT model proves its maximum (39); the sum of its
    # relaxed days must bound it from above (looser than the flow here: the flow keeps the
    # weekly limits the days drop, which is why the solver takes the smaller of the two).
    monkeypatch.setattr(solver_module, "DECOMPOSE_SLOTS", 10_000)
    instance = bench_season(50)
    options = solver_module.Options(time_limit_seconds=15.0, workers=2)
    proved = solve(instance, options)
    assert proved.bound_filled == proved.objective.filled  # proved by the whole model
    bound = season_bound(instance, options, 10.0)
    assert proved.objective.filled <= bound < len(instance.slots)
