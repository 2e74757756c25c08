"""Each soft term decides a tiny instance where every choice fills the same slots."""

from __future__ import annotations

from typing import Any

import pytest

from refdesk.server.autoassign.check import violations
from refdesk.server.autoassign.fairness import split
from refdesk.server.autoassign.instance import Instance, Options, Proposal, Weights
from refdesk.server.autoassign.solver import solve


def run(instance: Instance, options: Options) -> Proposal:
    proposal = solve(instance, options)
    assert violations(instance, options, proposal.fills) == []
    return proposal


def given(proposal: Proposal) -> dict[int, int]:
    return {f.slot_id: f.official_id for f in proposal.fills}


def test_fairness_spreads_games(mk: Any) -> None:
    slots = [mk.slot(g, 8 + 2 * g) for g in range(1, 5)]
    officials = [mk.official(1), mk.official(2)]
    proposal = run(mk.instance(slots, officials), mk.options())
    counts = sorted(list(given(proposal).values()).count(o) for o in (1, 2))
    assert counts == [2, 2]
    assert proposal.objective.fairness == 0
    assert proposal.status == "optimal"


def test_fairness_follows_wanted_games(mk: Any) -> None:
    slots = [mk.slot(g, 8 + 2 * g) for g in range(1, 5)]
    officials = [mk.official(1, wanted_games=3), mk.official(2, wanted_games=1)]
    proposal = run(mk.instance(slots, officials), mk.options())
    chosen = list(given(proposal).values())
    assert (chosen.count(1), chosen.count(2)) == (3, 1)


@pytest.mark.parametrize("strong", [1, 2])
def test_strength_matches_the_demanding_slot(mk: Any, strong: int) -> None:
    hard, easy = mk.slot(1, 10, level=5), mk.slot(2, 10, level=1)
    officials = [mk.official(o, strength=5 if o == strong else 1) for o in (1, 2)]
    proposal = run(mk.instance([hard, easy], officials), mk.options())
    assert given(proposal) == {hard.id: strong, easy.id: 3 - strong}
    assert proposal.objective.strength_mismatch == 0


@pytest.mark.parametrize("busy", [1, 2])
def test_travel_prefers_the_near_venue(mk: Any, busy: int) -> None:
    home, near, far = mk.venue(1, 45.0, -75.0), mk.venue(2, 45.05, -75.0), mk.venue(3, 45.9, -75.0)
    morning = mk.slot(1, 9, venue_id=1, official_id=busy, fixed=True)
    to_near = mk.slot(2, 13, venue_id=2)
    to_far = mk.slot(3, 13, venue_id=3)
    officials = [mk.official(1), mk.official(2)]
    options = mk.options(weights=Weights(fairness=0, crews=0))
    instance = mk.instance([morning, to_near, to_far], officials, venues=(home, near, far))
    proposal = run(instance, options)
    assert given(proposal) == {to_near.id: busy, to_far.id: 3 - busy}
    assert 5 < proposal.objective.travel_km < 6


def test_crews_keep_an_official_at_one_venue(mk: Any) -> None:
    a = mk.slot(1, 9, venue_id=1)
    b = mk.slot(2, 11, venue_id=1)
    c = mk.slot(3, 9, venue_id=2)
    d = mk.slot(4, 11, venue_id=2)
    options = mk.options(weights=Weights(fairness=0, travel=0))
    proposal = run(mk.instance([a, b, c, d], [mk.official(1), mk.official(2)]), options)
    chosen = given(proposal)
    assert chosen[a.id] == chosen[b.id] and chosen[c.id] == chosen[d.id]
    assert proposal.objective.crew_splits == 0


def test_change_keeps_the_current_official_when_free(mk: Any) -> None:
    held = mk.slot(1, 10, official_id=2)  # pending, re-planned
    proposal = run(mk.instance([held], [mk.official(1), mk.official(2)]), mk.options())
    assert given(proposal) == {held.id: 2}
    assert proposal.fills[0].previous_official_id == 2
    assert proposal.objective.changes == 0


def test_fills_carry_lock_version(mk: Any) -> None:
    slot = mk.slot(1, 10, lock_version=7)
    proposal = run(mk.instance([slot], [mk.official(1)]), mk.options())
    assert proposal.fills[0].lock_version == 7


def test_progress_is_reported(mk: Any) -> None:
    seen: list[tuple[str, float]] = []
    slots = [mk.slot(g, 8 + 2 * g) for g in range(1, 4)]
    solve(mk.instance(slots, [mk.official(1)]), mk.options(), lambda p, f: seen.append((p, f)))
    assert seen[0] == ("preparing", 0.0) and seen[-1] == ("done", 1.0)
    assert all(0.0 <= f <= 1.0 for _, f in seen)


def test_shares_follow_wishes_up_to_what_each_can_hold() -> None:
    # Official 1 can hold one game: the other eight go to 2 and 3 in their 1 : 2 proportion.
    shares = split({1: 1.0, 2: 1.0, 3: 2.0}, {1: 1, 2: 9, 3: 9}, 9)
    assert shares[1] == 1.0
    assert shares[2] == pytest.approx(8 / 3)
    assert shares[3] == pytest.approx(16 / 3)
    assert sum(shares.values()) == pytest.approx(9)


def test_fairness_spreads_what_an_unavailable_official_cannot_take(mk: Any) -> None:
    # Eight one-hour games in a row; official 1 is away. Shares in proportion to the wishes
    # alone (8/3 each) make 5 + 3 cost what 4 + 4 does; shares capped by what each can hold
    # (0, 4, 4) make only 4 + 4 fair.
    slots = [mk.slot(g, 7 + g) for g in range(1, 9)]
    officials = [mk.official(1, availability=()), mk.official(2), mk.official(3)]
    proposal = run(mk.instance(slots, officials), mk.options())
    chosen = list(given(proposal).values())
    assert (chosen.count(2), chosen.count(3)) == (4, 4)
    assert proposal.objective.fairness == 0


def test_fairness_balances_fees_too(mk: Any) -> None:
    # Two games, each a Referee slot ($40, level 1) and an AR slot ($20). Official 1 is the
    # stronger, so strength alone gives them both Referee slots ($80 against $40); the fees'
    # balance gives each official one of each ($60 and $60).
    slots = []
    for game, hour in ((1, 9), (2, 12)):
        slots.append(mk.slot(game, hour, position_id=1, level=1, fee_cents=4000))
        slots.append(mk.slot(game, hour, position_id=2, level=0, fee_cents=2000))
    officials = [mk.official(1, strength=1), mk.official(2, strength=0)]
    instance = mk.instance(slots, officials)
    proposal = run(instance, mk.options())
    fees = {o: sum(s.fee_cents for s in slots if given(proposal)[s.id] == o) for o in (1, 2)}
    assert fees == {1: 6000, 2: 6000}
    assert proposal.objective.fee_fairness == 0
    unfair = run(instance, mk.options(weights=Weights(fairness=0)))
    assert unfair.objective.fee_fairness == 4000
