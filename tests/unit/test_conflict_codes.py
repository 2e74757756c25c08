"""The conflict codes of contract §16.5 from plain facts: no database, one row per rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from refdesk.server.assignments.candidate_facts import (
    AvailabilityEntry,
    CandidateFacts,
    ConflictRule,
    HeldSlot,
    OfficialFacts,
    OtherSiteSlot,
    SlotCandidates,
    SlotFacts,
)
from refdesk.server.assignments.candidates import Candidate, candidates_of
from refdesk.server.assignments.conflicts import CODES, conflict_codes, games_same_day

ME = 7
OTHER = 8
# A Wednesday, 10:00–11:30 in New York (14:00–15:30 UTC).
DAY = date(2026, 10, 14)
START = datetime(2026, 10, 14, 14, 0, tzinfo=UTC)
END = START + timedelta(minutes=90)

SLOT = SlotFacts(
    id=100,
    position_id=11,
    official_id=None,
    game_id=50,
    start_time=START,
    end_time=END,
    local_date=DAY,
    home_team_id=1,
    away_team_id=2,
    league_id=3,
    venue_id=4,
    age_group_id=5,
    timezone="America/New_York",
    use_availability=False,
    use_abilities=False,
)
OFFICIAL = OfficialFacts(id=ME, first_name="Alex", last_name="Rivera", account_id=70)
# Nothing around the slot: no availability needed, no abilities needed, no conflicts.
CLEAN = CandidateFacts(qualified=frozenset({ME}))


def held(
    assignment_id: int, game_id: int, start: datetime, *, day: date = DAY, minutes: int = 60
) -> HeldSlot:
    return HeldSlot(assignment_id, ME, game_id, start, start + timedelta(minutes=minutes), day)


def rule(kind: str, **ids: int) -> ConflictRule:
    return ConflictRule(kind, ids.pop("user_id", ME), **ids)


CASES: list[tuple[str, SlotFacts, OfficialFacts, CandidateFacts, list[str]]] = [
    ("nothing", SLOT, OFFICIAL, CLEAN, []),
    # D: availability on, no entry at all / an entry not covering the game / all day / a window
    ("D no entry", replace(SLOT, use_availability=True), OFFICIAL, CLEAN, ["D"]),
    (
        "D window too short",
        replace(SLOT, use_availability=True),
        OFFICIAL,
        replace(CLEAN, availability=(AvailabilityEntry(ME, False, time(9, 0), time(11, 0)),)),
        ["D"],
    ),
    (
        "D window covers",
        replace(SLOT, use_availability=True),
        OFFICIAL,
        replace(CLEAN, availability=(AvailabilityEntry(ME, False, time(10, 0), time(11, 30)),)),
        [],
    ),
    (
        "D all day",
        replace(SLOT, use_availability=True),
        OFFICIAL,
        replace(CLEAN, availability=(AvailabilityEntry(ME, True),)),
        [],
    ),
    (
        "D someone else's entry",
        replace(SLOT, use_availability=True),
        OFFICIAL,
        replace(CLEAN, availability=(AvailabilityEntry(OTHER, True),)),
        ["D"],
    ),
    # E: an overlapping slot of another game of the site; not this game, not touching
    (
        "E overlap",
        SLOT,
        OFFICIAL,
        replace(CLEAN, held=(held(1, 60, START + timedelta(hours=1)),)),
        ["E"],
    ),
    ("E back to back", SLOT, OFFICIAL, replace(CLEAN, held=(held(1, 60, END),)), []),
    ("E same game", SLOT, OFFICIAL, replace(CLEAN, held=(held(1, 50, START),)), []),
    (
        "E no end time is 60 minutes",
        replace(SLOT, end_time=None),
        OFFICIAL,
        replace(CLEAN, held=(held(1, 60, START + timedelta(minutes=59)),)),
        ["E"],
    ),
    # T: a team conflict with either team
    ("T home", SLOT, OFFICIAL, replace(CLEAN, conflicts=(rule("team", team_id=1),)), ["T"]),
    ("T away", SLOT, OFFICIAL, replace(CLEAN, conflicts=(rule("team", team_id=2),)), ["T"]),
    ("T other team", SLOT, OFFICIAL, replace(CLEAN, conflicts=(rule("team", team_id=9),)), []),
    # O: an official conflict with a co-holder, declared by either of them
    (
        "O mine",
        SLOT,
        OFFICIAL,
        replace(
            CLEAN,
            conflicts=(rule("official", other_user_id=OTHER),),
            co_holders=frozenset({OTHER}),
        ),
        ["O"],
    ),
    (
        "O theirs",
        SLOT,
        OFFICIAL,
        replace(
            CLEAN,
            conflicts=(rule("official", user_id=OTHER, other_user_id=ME),),
            co_holders=frozenset({OTHER}),
        ),
        ["O"],
    ),
    (
        "O not on the game",
        SLOT,
        OFFICIAL,
        replace(CLEAN, conflicts=(rule("official", other_user_id=OTHER),)),
        [],
    ),
    # A: abilities on and not qualified; under the age group's minimum age
    ("A not qualified", replace(SLOT, use_abilities=True), OFFICIAL, CandidateFacts(), ["A"]),
    ("A qualified", replace(SLOT, use_abilities=True), OFFICIAL, CLEAN, []),
    (
        "A too young",
        replace(SLOT, min_official_age=14),
        replace(OFFICIAL, date_of_birth=date(2012, 10, 15)),
        CLEAN,
        ["A"],
    ),
    (
        "A old enough on the day",
        replace(SLOT, min_official_age=14),
        replace(OFFICIAL, date_of_birth=date(2012, 10, 14)),
        CLEAN,
        [],
    ),
    # L: a league conflict with the game's league; none when the game has no league
    ("L", SLOT, OFFICIAL, replace(CLEAN, conflicts=(rule("league", league_id=3),)), ["L"]),
    (
        "L no league",
        replace(SLOT, league_id=None),
        OFFICIAL,
        replace(CLEAN, conflicts=(rule("league", league_id=3),)),
        [],
    ),
    # V: a venue conflict
    ("V", SLOT, OFFICIAL, replace(CLEAN, conflicts=(rule("venue", venue_id=4),)), ["V"]),
    ("V other venue", SLOT, OFFICIAL, replace(CLEAN, conflicts=(rule("venue", venue_id=5),)), []),
    # X: the same account holds an overlapping slot in another site
    (
        "X",
        SLOT,
        OFFICIAL,
        replace(CLEAN, other_sites=(OtherSiteSlot(70, START - timedelta(minutes=30), None),)),
        ["X"],
    ),
    (
        "X other account",
        SLOT,
        OFFICIAL,
        replace(CLEAN, other_sites=(OtherSiteSlot(71, START, END),)),
        [],
    ),
    # C: daily, weekly (Monday–Sunday) and monthly limits, counting other games only
    (
        "C day",
        SLOT,
        replace(OFFICIAL, max_games_per_day=1),
        replace(CLEAN, held=(held(1, 60, START + timedelta(hours=5)),)),
        ["C"],
    ),
    (
        "C week",
        SLOT,
        replace(OFFICIAL, max_games_per_week=1),
        replace(CLEAN, held=(held(1, 60, START - timedelta(days=2), day=date(2026, 10, 12)),)),
        ["C"],
    ),
    (
        "C week before Monday",
        SLOT,
        replace(OFFICIAL, max_games_per_week=1),
        replace(CLEAN, held=(held(1, 60, START - timedelta(days=3), day=date(2026, 10, 11)),)),
        [],
    ),
    (
        "C month",
        SLOT,
        replace(OFFICIAL, max_games_per_month=1),
        replace(CLEAN, held=(held(1, 60, START + timedelta(days=10), day=date(2026, 10, 24)),)),
        ["C"],
    ),
    (
        "C this game does not count",
        SLOT,
        replace(OFFICIAL, max_games_per_day=1),
        replace(CLEAN, held=(held(1, 50, START),)),
        [],
    ),
    # G: the position is restricted to a group the official is not in
    ("G", replace(SLOT, group_id=9), OFFICIAL, CLEAN, ["G"]),
    (
        "G member",
        replace(SLOT, group_id=9),
        OFFICIAL,
        replace(CLEAN, group_members=frozenset({ME})),
        [],
    ),
    # RQ: a pending request
    ("RQ", SLOT, OFFICIAL, replace(CLEAN, requested=frozenset({ME})), ["RQ"]),
    # Several at once come in the table's order
    (
        "order",
        replace(SLOT, use_availability=True, group_id=9),
        replace(OFFICIAL, max_games_per_day=1),
        replace(
            CLEAN,
            requested=frozenset({ME}),
            held=(held(1, 60, START),),
            conflicts=(rule("venue", venue_id=4), rule("team", team_id=2)),
        ),
        ["D", "E", "T", "V", "C", "G", "RQ"],
    ),
]


@pytest.mark.parametrize(
    ("slot", "official", "facts", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_conflict_codes(
    slot: SlotFacts, official: OfficialFacts, facts: CandidateFacts, expected: list[str]
) -> None:
    assert conflict_codes(facts, slot, official) == expected


def test_every_code_has_a_case() -> None:
    raised = {code for case in CASES for code in case[4]}
    assert raised == set(CODES)


def test_the_slot_itself_is_neither_elsewhere_nor_counted() -> None:
    mine = HeldSlot(SLOT.id, ME, 60, START, END, DAY)
    facts = replace(CLEAN, held=(mine,))
    assert conflict_codes(facts, SLOT, replace(OFFICIAL, max_games_per_day=1)) == []
    assert games_same_day(facts, SLOT, OFFICIAL) == 1


def test_candidates_are_ranked_ok_first_then_fewer_codes_then_by_name() -> None:
    people = (
        OfficialFacts(id=1, first_name="Zed", last_name="Zulu", account_id=1),
        OfficialFacts(id=2, first_name="amy", last_name="adams", account_id=2),
        OfficialFacts(id=3, first_name="Bo", last_name="Brown", account_id=3),
        OfficialFacts(id=4, first_name="Cy", last_name="Cole", account_id=4),
    )
    facts = CandidateFacts(
        qualified=frozenset({1, 2, 3, 4}),
        requested=frozenset({1}),
        conflicts=(
            ConflictRule("venue", 2, venue_id=4),
            ConflictRule("team", 2, team_id=1),
            ConflictRule("venue", 3, venue_id=4),
        ),
    )
    ranked = candidates_of(SlotCandidates(replace(SLOT, official_id=4), people, facts))
    assert [c.user.id for c in ranked] == [4, 1, 3, 2]
    assert ranked[0] == Candidate(people[3], [], current=True, games_same_day=0)
    assert (ranked[1].ok, ranked[1].requested) == (True, True)
    assert (ranked[2].ok, ranked[3].conflicts) == (False, ["T", "V"])
