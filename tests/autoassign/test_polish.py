"""The local search after the solver's phases (``polish.py``): a move of each kind decides a
tiny instance alone, random instances show it never breaks a rule nor loses a fill nor raises
the objective, and ``solve()`` uses it where CP-SAT has not proved its optimum."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import pytest
from bench.autoassign_season import season
from hypothesis import HealthCheck, given, settings

from refdesk.server.autoassign import solver
from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.check import violations
from refdesk.server.autoassign.eligible import eligibility
from refdesk.server.autoassign.greedy import fills_of, greedy, greedy_pairs
from refdesk.server.autoassign.instance import Instance, Options
from refdesk.server.autoassign.objective import objective
from refdesk.server.autoassign.polish import polish
from refdesk.server.autoassign.rules import Context, build
from refdesk.server.autoassign.travel import Distances
from tests.support.autoassign_instances import instances


def polished(instance: Instance, options: Options, start: dict[int, int]) -> dict[int, int]:
    ctx = build(instance, options)
    distances = Distances(instance)
    eligible = eligibility(ctx, Holdings(ctx, distances))
    return polish(ctx, eligible, start, distances, time.perf_counter() + 5)


def total(instance: Instance, options: Options, chosen: dict[int, int]) -> int:
    return objective(instance, options, fills_of(build(instance, options), chosen)).total


def test_an_empty_slot_is_filled_by_handing_a_clashing_slot_on(mk: Any) -> None:
    # Slot 2 only official 1 may take; official 1 holds slot 1 at the same hour, which
    # official 2 may take instead.
    slots = [mk.slot(1, hour=10), mk.slot(2, hour=10)]
    officials = [mk.official(1), mk.official(2)]
    slots[1] = mk.with_(slots[1], excluded=frozenset({2}))
    instance = mk.instance(slots, officials)
    options = mk.options()
    assert polished(instance, options, {1: 1}) == {1: 2, 2: 1}


def test_a_chain_of_two_hand_ons_fills_a_slot(mk: Any) -> None:
    # Three games at one hour: slot 3 only official 1 may take, slot 1 (official 1's) also
    # official 2, slot 2 (official 2's) also official 3, who is free.
    slots = [mk.slot(1), mk.slot(2), mk.slot(3)]
    slots[0] = mk.with_(slots[0], excluded=frozenset({3}))
    slots[2] = mk.with_(slots[2], excluded=frozenset({2, 3}))
    slots[1] = mk.with_(slots[1], excluded=frozenset({1}))
    officials = [mk.official(1), mk.official(2), mk.official(3)]
    instance = mk.instance(slots, officials)
    options = mk.options()
    result = polished(instance, options, {1: 1, 2: 2})
    assert result == {3: 1, 1: 2, 2: 3}
    assert violations(instance, options, fills_of(build(instance, options), result)) == []


def test_a_chain_of_four_hand_ons_fills_a_slot(mk: Any) -> None:
    # Five games at one hour: slot 5 only official 1 may take; slot k (official k's) also
    # official k + 1, and official 5 is free. Only a chain through all four fills slot 5
    # (chains of at most two, the earlier search, could not).
    slots = [mk.slot(k) for k in range(1, 6)]
    for k in range(1, 5):
        slots[k - 1] = mk.with_(slots[k - 1], excluded=frozenset(range(1, 6)) - {k, k + 1})
    slots[4] = mk.with_(slots[4], excluded=frozenset({2, 3, 4, 5}))
    officials = [mk.official(k) for k in range(1, 6)]
    instance = mk.instance(slots, officials)
    options = mk.options()
    result = polished(instance, options, {1: 1, 2: 2, 3: 3, 4: 4})
    assert result == {5: 1, 1: 2, 2: 3, 3: 4, 4: 5}
    assert violations(instance, options, fills_of(build(instance, options), result)) == []


def test_a_weekly_limit_is_met_by_handing_on_a_game_of_the_week(mk: Any) -> None:
    # Official 1 may work one game a week and holds Saturday's; Sunday's game only official
    # 1 may take, Saturday's official 2 may take too.
    saturday = date(2026, 10, 10)
    sunday = saturday + timedelta(days=1)
    slots = [mk.slot(1, day=saturday), mk.slot(2, day=sunday, excluded=frozenset({2}))]
    officials = [mk.official(1, max_per_week=1), mk.official(2)]
    instance = mk.instance(slots, officials)
    options = mk.options()
    result = polished(instance, options, {1: 1})
    assert result == {2: 1, 1: 2}


def test_a_swap_of_one_day_saves_the_drive(mk: Any) -> None:
    # Official 1 works 9:00 at venue 1 and 12:00 at venue 2 (about 11 km); official 2 works
    # 12:00 at venue 1 and may work one game a day. Swapping the 12:00 games leaves nobody
    # driving; no single move can.
    venues = (mk.venue(1, 45.0, -75.0), mk.venue(2, 45.1, -75.0))
    slots = [mk.slot(1, hour=9, venue_id=1), mk.slot(2, hour=12, venue_id=2)]
    slots.append(mk.slot(3, hour=12, venue_id=1))
    officials = [mk.official(1, wanted_games=2), mk.official(2, wanted_games=1, max_per_day=1)]
    instance = mk.instance(slots, officials, venues=venues)
    options = mk.options()
    start = {1: 1, 2: 1, 3: 2}
    result = polished(instance, options, start)
    assert result == {1: 1, 3: 1, 2: 2}
    assert total(instance, options, result) < total(instance, options, start)


def test_a_move_evens_out_the_games(mk: Any) -> None:
    # Two games a day apart at one venue, both given to official 1: official 2 (the same
    # wish) should get one.
    slots = [mk.slot(1, hour=9), mk.slot(2, hour=15)]
    officials = [mk.official(1), mk.official(2)]
    instance = mk.instance(slots, officials)
    options = mk.options()
    result = polished(instance, options, {1: 1, 2: 1})
    assert sorted(result.values()) == [1, 2]


def test_no_move_breaks_a_limit(mk: Any) -> None:
    # Official 2 would even out the games but may work one game a day and has one.
    slots = [mk.slot(1, hour=9), mk.slot(2, hour=15), mk.slot(3, hour=12)]
    officials = [mk.official(1), mk.official(2, max_per_day=1)]
    instance = mk.instance(slots, officials)
    options = mk.options()
    result = polished(instance, options, {1: 1, 2: 1, 3: 2})
    assert result == {1: 1, 2: 1, 3: 2}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_starts_get_no_worse(case: tuple[Instance, Options]) -> None:
    """From greedy: no rule broken, no fill lost, and at the same fill a total no higher."""
    instance, options = case
    ctx = build(instance, options)
    start = greedy_pairs(ctx)
    result = polished(instance, options, start)
    assert violations(instance, options, fills_of(ctx, result)) == []
    assert len(result) >= len(start)
    assert set(start) <= set(result)
    if len(result) == len(start):
        assert total(instance, options, result) <= total(instance, options, start)


def test_solve_polishes_what_cp_sat_leaves_unproved(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 500-slot season with a short limit: ``solve()`` hands CP-SAT's unproved result to
    the local search, and the proposal is what came out (at least as full and, at the same
    fill, no dearer than what went in)."""
    instance = season(500, seed=3)
    options = Options(time_limit_seconds=6, workers=2, seed=0)
    seen: list[tuple[dict[int, int], dict[int, int]]] = []

    def recording(ctx: Context, eligible: dict[int, list[int]], chosen: dict[int, int],
                  *args: Any, **kw: Any) -> dict[int, int]:  # fmt: skip
        out = polish(ctx, eligible, dict(chosen), *args, **kw)
        seen.append((dict(chosen), dict(out)))
        return out

    monkeypatch.setattr(solver, "polish", recording)
    proposal = solver.solve(instance, options)
    assert seen, "the local search did not run"
    before, after = seen[-1]
    assert {f.slot_id: f.official_id for f in proposal.fills} == after
    assert violations(instance, options, proposal.fills) == []
    assert proposal.status == "feasible"
    assert len(after) >= len(before)
    if len(after) == len(before):
        assert total(instance, options, after) <= total(instance, options, before)
    assert proposal.objective.filled >= greedy(instance, options).objective.filled


def test_from_greedy_a_season_gets_fuller_and_travels_less() -> None:
    instance = season(500, seed=3)
    options = Options()
    ctx = build(instance, options)
    start = greedy_pairs(ctx)
    result = polished(instance, options, start)
    assert violations(instance, options, fills_of(ctx, result)) == []
    before = objective(instance, options, fills_of(ctx, start))
    after = objective(instance, options, fills_of(ctx, result))
    assert after.filled > before.filled
    assert after.travel_km / after.filled < before.travel_km / before.filled
