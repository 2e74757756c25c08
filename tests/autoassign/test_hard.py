"""One tiny instance per hard constraint, where that constraint alone decides the answer; every
proposal also passes the independent checker."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from refdesk.server.autoassign.check import violations
from refdesk.server.autoassign.instance import Instance, Options, Proposal, Window
from refdesk.server.autoassign.solver import solve


def run(instance: Instance, options: Options) -> Proposal:
    proposal = solve(instance, options)
    assert violations(instance, options, proposal.fills) == []
    return proposal


def given(proposal: Proposal) -> dict[int, int]:
    return {f.slot_id: f.official_id for f in proposal.fills}


def test_availability_decides(mk: Any) -> None:
    day = date(2026, 10, 10)
    slot = mk.slot(1, 10)
    away = mk.official(1, availability=(Window(day, time(12), time(18)),))
    free = mk.official(2, availability=(Window(day, time(9), time(11)),))
    proposal = run(mk.instance([slot], [away, free]), mk.options())
    assert given(proposal) == {slot.id: 2}
    assert proposal.status == "optimal" and proposal.bound_filled == 1


def test_availability_window_is_local_time(mk: Any) -> None:
    day = date(2026, 10, 10)
    slot = mk.slot(1, 14)  # 14:00 UTC = 10:00 in New York (EDT)
    ny = mk.official(1, availability=(Window(day, time(9), time(11)),))
    utc = mk.official(2, availability=(Window(day, time(13), time(16)),))
    both = [ny, utc]
    assert given(run(mk.instance([slot], both, timezone="America/New_York"), mk.options())) == {
        slot.id: 1
    }
    assert given(run(mk.instance([slot], both), mk.options())) == {slot.id: 2}


def test_ability_and_min_age(mk: Any) -> None:
    slot = mk.slot(1, 10, age_group_id=7, position_id=3, min_official_age=18)
    unqualified = mk.official(1, qualified=frozenset({(7, 1)}))
    young = mk.official(2, qualified=frozenset({(7, 3)}), date_of_birth=date(2010, 1, 1))
    adult = mk.official(3, qualified=frozenset({(7, 3)}), date_of_birth=date(1990, 1, 1))
    assert given(run(mk.instance([slot], [unqualified, young, adult]), mk.options())) == {
        slot.id: 3
    }


def test_team_league_venue_group_and_elsewhere(mk: Any) -> None:
    slot = mk.slot(1, 10, home_team_id=5, away_team_id=6, league_id=8, venue_id=9, group_id=4)
    officials = [
        mk.official(1, team_conflicts=frozenset({6}), groups=frozenset({4})),
        mk.official(2, league_conflicts=frozenset({8}), groups=frozenset({4})),
        mk.official(3, venue_conflicts=frozenset({9}), groups=frozenset({4})),
        mk.official(4),  # not in the group
        mk.official(5, groups=frozenset({4}), busy=((mk.at(9.5), mk.at(10.5)),)),
        mk.official(6, groups=frozenset({4})),
    ]
    assert given(run(mk.instance([slot], officials), mk.options())) == {slot.id: 6}


def test_overlapping_games_need_two_officials(mk: Any) -> None:
    a, b = mk.slot(1, 10), mk.slot(2, 10.5)
    one = run(mk.instance([a, b], [mk.official(1)]), mk.options())
    assert one.objective.filled == 1 and one.bound_filled == 1
    two = run(mk.instance([a, b], [mk.official(1), mk.official(2)]), mk.options())
    assert two.objective.filled == 2


def test_back_to_back_games_fit_one_official(mk: Any) -> None:
    a, b = mk.slot(1, 10), mk.slot(2, 11.25, venue_id=None)
    proposal = run(mk.instance([a, b], [mk.official(1)]), mk.options())
    assert proposal.objective.filled == 2  # 15 minutes apart: the buffer fits


def test_travel_time_between_venues(mk: Any) -> None:
    # 45 minutes apart; venues ~40 km apart (0.36 degrees of latitude) at 50 km/h: 48 min.
    near, far = mk.venue(1, 45.0, -75.0), mk.venue(2, 45.36, -75.0)
    a = mk.slot(1, 10, venue_id=1)
    b = mk.slot(2, 11.75, venue_id=2)
    options = mk.options(travel_buffer_minutes=0)
    apart = run(mk.instance([a, b], [mk.official(1)], venues=(near, far)), options)
    assert apart.objective.filled == 1
    same = mk.with_(b, venue_id=1)
    together = run(mk.instance([a, same], [mk.official(1)], venues=(near, far)), options)
    assert together.objective.filled == 2


def test_one_slot_per_official_per_game(mk: Any) -> None:
    r, ar = mk.slot(1, 10, position_id=1), mk.slot(1, 10, position_id=2)
    proposal = run(mk.instance([r, ar], [mk.official(1)]), mk.options())
    assert proposal.objective.filled == 1


def test_official_conflict_never_shares_a_game(mk: Any) -> None:
    r, ar = mk.slot(1, 10, position_id=1), mk.slot(1, 10, position_id=2)
    officials = [mk.official(1, official_conflicts=frozenset({2})), mk.official(2)]
    assert run(mk.instance([r, ar], officials), mk.options()).objective.filled == 1
    officials.append(mk.official(3))
    assert run(mk.instance([r, ar], officials), mk.options()).objective.filled == 2


def test_daily_limit_counts_fixed_and_outside(mk: Any) -> None:
    games = [mk.slot(g, 8 + 2 * g) for g in range(1, 4)]
    capped = run(mk.instance(games, [mk.official(1, max_per_day=2)]), mk.options())
    assert capped.objective.filled == 2
    options_cap = run(mk.instance(games, [mk.official(1)]), mk.options(max_per_day=1))
    assert options_cap.objective.filled == 1
    outside = mk.official(1, max_per_day=2, held_outside=(games[0].local_date,))
    assert run(mk.instance(games, [outside]), mk.options()).objective.filled == 1


def test_weekly_limit_uses_monday_weeks(mk: Any) -> None:
    sunday, monday = date(2026, 10, 11), date(2026, 10, 12)
    slots = [mk.slot(1, 10, day=sunday), mk.slot(2, 10, day=monday)]
    official = mk.official(1, max_per_week=1)
    # Sunday and the next Monday are in different weeks: both fit.
    assert run(mk.instance(slots, [official]), mk.options()).objective.filled == 2
    saturday = mk.slot(3, 10, day=date(2026, 10, 10))
    same_week = [saturday, slots[0]]
    assert run(mk.instance(same_week, [official]), mk.options()).objective.filled == 1


def test_monthly_limit(mk: Any) -> None:
    slots = [mk.slot(1, 10, day=date(2026, 10, 3)), mk.slot(2, 10, day=date(2026, 10, 24))]
    official = mk.official(1, max_per_month=1)
    assert run(mk.instance(slots, [official]), mk.options()).objective.filled == 1


def test_fixed_slot_keeps_its_official_and_blocks_overlaps(mk: Any) -> None:
    fixed = mk.slot(1, 10, official_id=1, fixed=True)
    vacant = mk.slot(2, 10.5)
    proposal = run(mk.instance([fixed, vacant], [mk.official(1), mk.official(2)]), mk.options())
    assert given(proposal) == {vacant.id: 2}


def test_tup_venue_and_team_repeat_windows(mk: Any) -> None:
    # Two rounds, one game each, same venue: q1 = 2 forbids one official at both.
    r1 = mk.slot(1, 10, venue_id=1, round=1, home_team_id=1, away_team_id=2)
    r2 = mk.slot(2, 11, venue_id=1, round=2, home_team_id=3, away_team_id=4)
    one = [mk.official(1)]
    assert run(mk.instance([r1, r2], one), mk.options()).objective.filled == 2
    assert run(mk.instance([r1, r2], one), mk.options(venue_repeat_gap=2)).objective.filled == 1
    r2b = mk.with_(r2, venue_id=2, home_team_id=2)
    assert run(mk.instance([r1, r2b], one), mk.options(venue_repeat_gap=2)).objective.filled == 2
    assert run(mk.instance([r1, r2b], one), mk.options(team_repeat_gap=2)).objective.filled == 1


def test_rounds_are_sequenced_not_timed(mk: Any) -> None:
    # Overlapping clock times but different rounds: one official may work both.
    a = mk.slot(1, 10, venue_id=1, round=1)
    b = mk.slot(2, 10, venue_id=2, round=2)
    assert run(mk.instance([a, b], [mk.official(1)]), mk.options()).objective.filled == 2
