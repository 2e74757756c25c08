"""The bench's season generator (``bench/autoassign_season.py``): deterministic for a seed, the
asked size, and the realistic variety the solver is measured on."""

from __future__ import annotations

import math
from collections import Counter
from datetime import time
from zoneinfo import ZoneInfo

import pytest
from bench.autoassign_season import AGE_GROUPS, REFEREE, SIZES, season

from refdesk.server.autoassign.bound import fill_bound
from refdesk.server.autoassign.instance import Options


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.mark.parametrize("size", SIZES)
def test_the_asked_size_with_distinct_ids(size: int) -> None:
    instance = season(size, seed=1)
    assert len(instance.slots) == size
    assert len({s.id for s in instance.slots}) == size
    assert len({o.id for o in instance.officials}) == len(instance.officials)


def test_same_seed_same_instance_other_seed_other_instance() -> None:
    assert season(500, seed=7) == season(500, seed=7)
    assert season(500, seed=7) != season(500, seed=8)


def test_games_are_weekend_daytime_with_two_or_three_positions() -> None:
    instance = season(500, seed=1)
    zone = ZoneInfo(instance.timezone)
    per_game = Counter(s.game_id for s in instance.slots)
    assert {2, 3} <= set(per_game.values())
    assert len([n for n in per_game.values() if n not in (2, 3)]) <= 1  # the size cut one game
    for slot in instance.slots:
        local = slot.start.astimezone(zone)
        assert local.date() == slot.local_date and local.weekday() in (5, 6)
        assert time(8) <= local.time() and slot.end.astimezone(zone).time() <= time(19)
        assert slot.home_team_id != slot.away_team_id
        assert slot.venue_id is not None and slot.fee_cents > 0


def test_venues_lie_in_a_50_km_box() -> None:
    instance = season(5000, seed=1)
    points = [(v.latitude, v.longitude) for v in instance.venues]
    assert len(points) >= 5
    assert all(lat is not None and lon is not None for lat, lon in points)
    spans = [km(a, b) for a in points for b in points]  # type: ignore[arg-type]
    assert 10 < max(spans) <= 50 * math.sqrt(2)


def test_officials_vary_in_availability_abilities_conflicts_limits_and_wishes() -> None:
    instance = season(500, seed=1)
    officials = instance.officials
    days = sorted({s.local_date for s in instance.slots})
    windows = [w for o in officials for w in o.availability or ()]
    assert any(w.all_day for w in windows) and any(not w.all_day for w in windows)
    assert any(len(o.availability or ()) < len(days) for o in officials)  # days off
    every_pair = {(g.id, p) for g in AGE_GROUPS for p in g.positions}
    qualified = [o.qualified or frozenset() for o in officials]
    assert all(q < every_pair for q in qualified[:20]) or any(q < every_pair for q in qualified)
    assert any((5, REFEREE) not in q for q in qualified)
    assert any((5, REFEREE) in q for q in qualified)
    assert any(o.team_conflicts for o in officials)
    assert any(o.venue_conflicts for o in officials) or any(o.league_conflicts for o in officials)
    for o in officials:  # official conflicts are declared on both sides
        for other in o.official_conflicts:
            assert o.id in next(p for p in officials if p.id == other).official_conflicts
    assert {o.max_per_day for o in officials} >= {2, 3, 4, None}
    assert len({o.strength for o in officials}) == 5
    assert any(o.wanted_games is None for o in officials)
    assert any(o.wanted_games for o in officials)
    assert any(s.min_official_age == 18 for s in instance.slots)


def test_the_smallest_season_is_tight() -> None:
    """Not every slot can be filled: the matching bound (an upper bound on any assignment)
    is already below the slot count."""
    instance = season(50, seed=1)
    assert fill_bound(instance, Options()) < 50
