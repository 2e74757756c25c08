"""Empty slots are explained (codes and words); the greedy baseline, the max-flow bound and the
independent checker."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from refdesk.server.autoassign.bound import fill_bound
from refdesk.server.autoassign.check import violations
from refdesk.server.autoassign.greedy import greedy
from refdesk.server.autoassign.instance import Fill, Window
from refdesk.server.autoassign.solver import solve


def test_nobody_qualified_is_said_in_words(mk: Any) -> None:
    slot = mk.slot(1, 10, age_group_id=3, position_id=2)
    officials = [mk.official(o, qualified=frozenset({(3, 1)})) for o in (1, 2)]
    proposal = solve(mk.instance([slot], officials), mk.options())
    assert proposal.fills == ()
    (empty,) = proposal.empty
    assert empty.slot_id == slot.id
    assert empty.summary == "No official is qualified for this age group and position"
    assert [(r.official_id, r.code) for r in empty.ruled_out] == [(1, "A"), (2, "A")]
    assert "not qualified" in empty.ruled_out[0].reason


def test_mixed_unary_reasons_are_tallied(mk: Any) -> None:
    day = date(2026, 10, 10)
    slot = mk.slot(1, 10, home_team_id=4)
    officials = [
        mk.official(1, availability=(Window(day, time(14), time(18)),)),
        mk.official(2, team_conflicts=frozenset({4})),
        mk.official(3, availability=()),
    ]
    (empty,) = solve(mk.instance([slot], officials), mk.options()).empty
    assert (
        empty.summary == "No official can take it: 2 unavailable (D), 1 in conflict with a team (T)"
    )
    assert {(r.official_id, r.code) for r in empty.ruled_out} == {(1, "D"), (2, "T"), (3, "D")}


def test_binding_reasons_name_the_overlapping_slot(mk: Any) -> None:
    first = mk.slot(1, 10)
    second = mk.slot(2, 10.5)
    proposal = solve(mk.instance([first, second], [mk.official(1)]), mk.options())
    assert proposal.objective.filled == 1 and proposal.bound_filled == 1
    (empty,) = proposal.empty
    taken = next(f.slot_id for f in proposal.fills)
    (reason,) = empty.ruled_out
    assert reason.code == "E" and f"slot {taken}" in reason.reason
    assert empty.summary == "The one eligible official is on overlapping games"


def test_binding_reasons_limit_conflict_travel_and_same_game(mk: Any) -> None:
    far1, far2 = mk.venue(1, 45.0, -75.0), mk.venue(2, 46.0, -75.0)
    fixed_a = mk.slot(1, 8, official_id=1, fixed=True, venue_id=1)
    fixed_b = mk.slot(2, 10, official_id=2, fixed=True, venue_id=1)
    fixed_c = mk.slot(3, 10, official_id=3, fixed=True, position_id=1, venue_id=1)
    vacant = mk.slot(3, 10, position_id=2, venue_id=1)
    officials = [
        mk.official(1, max_per_day=1),  # C
        mk.official(2),  # E: holds slot of game 2 at the same time
        mk.official(3),  # S: already on game 3
        mk.official(4, official_conflicts=frozenset({3})),  # O
    ]
    instance = mk.instance([fixed_a, fixed_b, fixed_c, vacant], officials, venues=(far1, far2))
    (empty,) = solve(instance, mk.options()).empty
    codes = {(r.official_id, r.code) for r in empty.ruled_out}
    assert codes == {(1, "C"), (2, "E"), (3, "S"), (4, "O")}
    assert "the limit is 1 a day" in next(r.reason for r in empty.ruled_out if r.code == "C")
    assert empty.summary.startswith("All 4 eligible officials are taken:")
    travel = mk.slot(4, 9.25, venue_id=2)  # 111 km away, 15 minutes after official 1's game
    (empty,) = solve(
        mk.instance([fixed_a, travel], [mk.official(1)], venues=(far1, far2)), mk.options()
    ).empty
    assert [r.code for r in empty.ruled_out] == ["TR"]


def test_greedy_fills_fewer_than_solve(mk: Any) -> None:
    # Greedy gives the first slot to official 1, the only one qualified for the second.
    first = mk.slot(1, 10, position_id=1)
    second = mk.slot(2, 10, position_id=2)
    officials = [
        mk.official(1, qualified=frozenset({(0, 1), (0, 2)})),
        mk.official(2, qualified=frozenset({(0, 1)})),
    ]
    instance = mk.instance([first, second], officials)
    options = mk.options()
    base = greedy(instance, options)
    best = solve(instance, options)
    assert base.status == "greedy" and base.objective.filled == 1
    assert best.objective.filled == 2 and best.bound_filled == 2
    assert violations(instance, options, base.fills) == []
    assert violations(instance, options, best.fills) == []
    (empty,) = base.empty
    assert empty.slot_id == second.id


def test_bound_is_at_least_what_solve_fills(mk: Any) -> None:
    slots = [mk.slot(1, 10), mk.slot(2, 10.5), mk.slot(3, 13)]
    instance = mk.instance(slots, [mk.official(1), mk.official(2, max_per_day=1)])
    options = mk.options()
    proposal = solve(instance, options)
    assert fill_bound(instance, options) >= proposal.objective.filled == 3
    capped = mk.instance(slots, [mk.official(1, max_per_day=1)])
    assert fill_bound(capped, options) == 1


def test_the_bound_counts_one_officials_overlapping_games_once(mk: Any) -> None:
    # One official, three games: 9:00 and 9:30 overlap, 11:00 does not. Two can be worked.
    slots = [mk.slot(1, 9), mk.slot(2, 9.5), mk.slot(3, 11)]
    instance = mk.instance(slots, [mk.official(1)])
    options = mk.options()
    assert fill_bound(instance, options) == 2 == solve(instance, options).objective.filled
    # Two officials: all three.
    both = mk.instance(slots, [mk.official(1), mk.official(2)])
    assert fill_bound(both, options) == 3


def test_checker_finds_a_hand_made_bad_assignment(mk: Any) -> None:
    day = date(2026, 10, 10)
    a, b = mk.slot(1, 10), mk.slot(2, 10.5, age_group_id=5)
    c = mk.slot(1, 10, position_id=2)
    officials = [
        mk.official(1, availability=(Window(day, time(12), time(13)),), max_per_day=1),
        mk.official(2, official_conflicts=frozenset({1}), qualified=frozenset({(0, 2)})),
    ]
    instance = mk.instance([a, b, c], officials)
    bad = [Fill(a.id, 1, 0), Fill(b.id, 1, 0), Fill(c.id, 2, 0)]
    found = violations(instance, mk.options(), bad)
    text = "\n".join(found)
    assert "not available" in text
    assert "overlapping slots" in text
    assert "limit is 1" in text
    assert "conflict but share game 1" in text
    assert violations(instance, mk.options(), [Fill(c.id, 2, 0)]) == []
    assert violations(instance, mk.options(), [Fill(b.id, 2, 0)]) == [
        f"official 2 on slot {b.id} is not qualified"
    ]
