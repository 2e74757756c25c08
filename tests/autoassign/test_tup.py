"""The TUP adapter (``autoassign.tup``): the benchmark's text format read into an auto-assign
instance, the TUP objective read back, and the TUP's own rules checked independently."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.autoassign import find_umps8

from refdesk.server.autoassign import tup
from refdesk.server.autoassign.instance import Fill
from refdesk.server.autoassign.solver import solve
from tests.support.autoassign import TINY, VALID


def fills(plan: dict[int, tuple[int, ...]]) -> list[Fill]:
    return [Fill(slot_id=s, official_id=u, lock_version=0) for u, ids in plan.items() for s in ids]


def test_parse_reads_sizes_matrix_and_rounds() -> None:
    problem = tup.parse(TINY)
    assert (problem.teams, problem.umpires, problem.rounds) == (4, 2, 6)
    assert problem.distance[2] == (20, 40, 0, 60)
    assert problem.games(0) == [(1, 2), (3, 4)]
    assert problem.games(1) == [(1, 3), (4, 2)]


def test_instance_maps_umpires_games_venues_and_distances() -> None:
    instance = tup.to_instance(tup.parse(TINY))
    assert [o.id for o in instance.officials] == [1, 2]
    assert len(instance.slots) == 12
    game = {s.id: s for s in instance.slots}[4]  # round 1: team 4 at home against team 2
    assert (game.round, game.venue_id, game.home_team_id, game.away_team_id) == (1, 4, 4, 2)
    assert len({s.game_id for s in instance.slots}) == 12
    assert len({s.start for s in instance.slots}) == 6  # a round's games are simultaneous
    assert instance.distance_km is not None
    assert instance.distance_km[(2, 4)] == instance.distance_km[(4, 2)] == 50.0
    options = tup.options(2, 1, time_limit_seconds=3, workers=1)
    assert (options.venue_repeat_gap, options.team_repeat_gap) == (2, 1)
    assert options.visit_every_venue and options.weights.fairness == 0


def test_total_distance_sums_each_umpires_consecutive_venues() -> None:
    instance = tup.to_instance(tup.parse(TINY))
    # umpire 1: 3→1→4→2→3→1 = 20+30+50+40+20; umpire 2: 1→4→2→4→2→3 = 30+50+50+50+40
    assert tup.total_distance(instance, fills(VALID)) == 160 + 220


def test_violations_accept_a_valid_schedule_and_name_each_broken_rule() -> None:
    problem = tup.parse(TINY)
    assert tup.violations(problem, 2, 1, fills(VALID)) == []
    # Umpire 1 sees team 3 in rounds 0 (3 v 4) and 1 (1 v 3).
    assert tup.violations(problem, 2, 2, fills(VALID))[0] == (
        "umpire 1 sees team(s) [3] in rounds 0 and 1"
    )
    # The first game of every round to umpire 1: venues 1, 1, 2, 2, 2, 1.
    first = {1: (1, 3, 5, 7, 9, 11), 2: (2, 4, 6, 8, 10, 12)}
    broken = tup.violations(problem, 2, 1, fills(first))
    assert "umpire 1 never visits venue(s) [3, 4]" in broken
    assert "umpire 1 at venue 1 in rounds 0 and 1" in broken
    missing = {1: VALID[1][:-1], 2: (*VALID[2], VALID[1][-1])}
    broken = tup.violations(problem, 2, 1, fills(missing))
    assert "umpire 1 does not work exactly one game in every round" in broken
    assert "umpire 2 does not work exactly one game in every round" in broken


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("dist=[[0]]; opponents=[[1]];", "no 'nTeams=N;' line"),
        ("nTeams=3; dist=[]; opponents=[];", "must be even"),
        (TINY.replace("[ 10   0  40  50]", "[ 10   0  40]"), "4 rows of 4 values"),
        (TINY.replace("[ 10   0  40  50]", "[ 11   0  40  50]"), "not symmetric"),
        (TINY.replace("[ 2  -1   4  -3]", "[ 2  -1   4  -2]"), "do not pair up"),
        (TINY.replace("[ 2  -1   4  -3]", "[ 2  -1   4  x]"), "not an integer"),
        (TINY.split("opponents")[0], "no 'opponents = [ … ];' block"),
    ],
)
def test_parse_rejects_malformed_text_in_words(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words.replace("[", r"\[").replace("…", ".")):
        tup.parse(text)


UMPS8 = find_umps8()


@pytest.mark.skipif(
    UMPS8 is None,
    reason="umps8.txt is not beside this checkout (../shared/data/tup/); it is not in the repo",
)
def test_umps8_reads_as_56_games_for_4_umpires() -> None:
    assert UMPS8 is not None
    problem = tup.parse(Path(UMPS8).read_text())
    instance = tup.to_instance(problem)
    assert (problem.teams, problem.umpires, problem.rounds, len(instance.slots)) == (8, 4, 14, 56)
    for r in range(problem.rounds):
        teams = [t for game in problem.games(r) for t in game]
        assert sorted(teams) == list(range(1, 9))


def test_the_solver_reaches_and_proves_the_brute_force_optimum() -> None:
    """Through the adapter, CP-SAT's TUP answer is the best of all 2^6 ways to split the tiny
    instance's rounds between its 2 umpires (enumerated here, checked by ``tup.violations``)."""
    problem = tup.parse(TINY)
    instance = tup.to_instance(problem)
    best = None
    for mask in range(2**problem.rounds):
        plan: dict[int, list[int]] = {1: [], 2: []}
        for r in range(problem.rounds):
            first = r * 2 + 1
            plan[1].append(first + (mask >> r & 1))
            plan[2].append(first + 1 - (mask >> r & 1))
        chosen = fills({u: tuple(ids) for u, ids in plan.items()})
        if not tup.violations(problem, 2, 1, chosen):
            distance = tup.total_distance(instance, chosen)
            best = distance if best is None else min(best, distance)
    assert best is not None
    proposal = solve(instance, tup.options(2, 1, time_limit_seconds=20, workers=2))
    assert tup.violations(problem, 2, 1, proposal.fills) == []
    assert proposal.status == "optimal"
    assert tup.total_distance(instance, proposal.fills) == best
