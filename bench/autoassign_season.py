"""Realistic auto-assign instances for ``python -m bench autoassign``: a youth season of
weekend games, generated deterministically from a seed.

- The season: ``weeks`` weekends (Saturday and Sunday) from 3 April 2027, games starting
  8:00–16:45 New York time on a grid of 105-minute field times; venues with 1–3 fields over a
  50 km box (coordinates, so travel is real); ``weeks`` grows with the size (1, 2, 14 weekends
  for 50, 500, 5,000 slots).
- Games: five age groups (U10 … U19: length, level, fees), 2 positions (Referee, AR1) below U14
  and 3 from U14, a home team playing at its venue against a team of its age group, three
  leagues. Slot level = the age group's level, plus one for the Referee; the U16 and U19
  Referee needs an official of 16 and 18.
- Officials: grades 1–5 (``strength``) that decide abilities (Referee up to the grade's level
  plus one, assistant up to plus two; one in ten is assistant-only); ages 14–65; availability
  of four kinds (all day, windows, one day a weekend, sparse) and whole weekends off; team
  (parents and coaches), league, venue and official conflicts; games held elsewhere (busy)
  and outside the range (count for limits); per-day and per-week limits; a wished number of
  games for most.
- Sized to be tight: about ``OFFICIALS_PER_WEEKLY_SLOT`` officials per slot of a weekend, so
  some slots cannot be filled (the proven maximum is below the number of slots).

Only ``random.Random(seed)`` draws; same size and seed, same instance.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from refdesk.server.autoassign.instance import Instance, Official, Slot, Venue, Window

TIMEZONE = "America/New_York"
ZONE = ZoneInfo(TIMEZONE)
FIRST_SATURDAY = date(2027, 4, 3)
CENTRE = (40.0, -75.2)
HALF_BOX_LAT = 0.225  # ~25 km north and south
HALF_BOX_LON = 0.295  # ~25 km east and west at 40°N
FIELD_TIMES = tuple(time(8 + (105 * k) // 60, (105 * k) % 60) for k in range(6))
OFFICIALS_PER_WEEKLY_SLOT = 0.30
REFEREE, AR1, AR2 = 1, 2, 3
POSITION_NAMES = {REFEREE: "Referee", AR1: "AR1", AR2: "AR2"}
LEAGUES = (1, 2, 3)


@dataclass(frozen=True)
class AgeGroup:
    id: int
    name: str
    minutes: int
    level: int
    positions: tuple[int, ...]
    referee_fee: int
    assistant_fee: int
    referee_min_age: int | None = None


AGE_GROUPS = (
    AgeGroup(1, "U10", 60, 1, (REFEREE, AR1), 2500, 1500),
    AgeGroup(2, "U12", 70, 2, (REFEREE, AR1), 3500, 2000),
    AgeGroup(3, "U14", 80, 3, (REFEREE, AR1, AR2), 4500, 2800),
    AgeGroup(4, "U16", 90, 4, (REFEREE, AR1, AR2), 5500, 3500, 16),
    AgeGroup(5, "U19", 100, 5, (REFEREE, AR1, AR2), 7000, 4500, 18),
)
AGE_WEIGHTS = (25, 25, 20, 18, 12)
SIZES = (50, 500, 5000)


@dataclass(frozen=True)
class Team:
    id: int
    age_group: AgeGroup
    venue_id: int
    league_id: int


def weeks_for(slots: int) -> int:
    return max(1, min(14, math.ceil(slots / 360)))


def game_days(weeks: int) -> list[date]:
    days = []
    for w in range(weeks):
        saturday = FIRST_SATURDAY + timedelta(weeks=w)
        days += [saturday, saturday + timedelta(days=1)]
    return days


def at(day: date, clock: time) -> datetime:
    """A local wall-clock time on ``day`` as an aware UTC datetime."""
    return datetime.combine(day, clock, tzinfo=ZONE).astimezone(UTC)


def make_venues(rnd: random.Random, count: int) -> tuple[list[Venue], dict[int, int]]:
    venues, fields = [], {}
    for v in range(1, count + 1):
        lat = CENTRE[0] + rnd.uniform(-HALF_BOX_LAT, HALF_BOX_LAT)
        lon = CENTRE[1] + rnd.uniform(-HALF_BOX_LON, HALF_BOX_LON)
        venues.append(Venue(id=v, name=f"Park {v}", latitude=lat, longitude=lon))
        fields[v] = rnd.choice((1, 2, 2, 3))
    return venues, fields


def make_teams(rnd: random.Random, venue_ids: list[int]) -> list[Team]:
    teams, next_id = [], 1
    for venue_id in venue_ids:
        for group in AGE_GROUPS:
            for _ in range(2):
                teams.append(Team(next_id, group, venue_id, rnd.choice(LEAGUES)))
                next_id += 1
    return teams


@dataclass(frozen=True)
class Game:
    day: date
    clock: time
    venue_id: int
    group: AgeGroup
    home: Team
    away: Team


def make_games(rnd: random.Random, size: int, weeks: int) -> tuple[list[Game], list[Venue]]:
    """Games dealt to the days in turn, each at a free field time, until their positions
    reach ``size``; sorted by day, time and venue."""
    days = game_days(weeks)
    mean_positions = sum(len(g.positions) * w for g, w in zip(AGE_GROUPS, AGE_WEIGHTS, strict=True))
    per_day = math.ceil(size * sum(AGE_WEIGHTS) / mean_positions / len(days))
    # Room for the busiest day to spare (not every field time is used).
    venue_count = max(3, math.ceil(per_day * 2 / (2 * len(FIELD_TIMES))))
    venues, fields = make_venues(rnd, venue_count)
    teams = make_teams(rnd, [v.id for v in venues])
    by_group = {g.id: [t for t in teams if t.age_group.id == g.id] for g in AGE_GROUPS}
    free = {}
    for day in days:
        places = [(v.id, f, c) for v in venues for f in range(fields[v.id]) for c in FIELD_TIMES]
        rnd.shuffle(places)
        free[day] = places
    games: list[Game] = []
    positions = 0
    while positions < size:
        day = days[len(games) % len(days)]
        if not free[day]:
            raise AssertionError(f"no field time left on {day} for {size} slots")
        venue_id, _field, clock = free[day].pop()
        group = rnd.choices(AGE_GROUPS, weights=AGE_WEIGHTS)[0]
        home = rnd.choice([t for t in by_group[group.id] if t.venue_id == venue_id])
        away = rnd.choice([t for t in by_group[group.id] if t.id != home.id])
        games.append(Game(day, clock, venue_id, group, home, away))
        positions += len(group.positions)
    games.sort(key=lambda g: (g.day, g.clock, g.venue_id, g.home.id))
    return games, venues


def make_slots(rnd: random.Random, size: int, weeks: int) -> tuple[list[Slot], list[Venue]]:
    games, venues = make_games(rnd, size, weeks)
    slots: list[Slot] = []
    for game_id, game in enumerate(games, start=1):
        start = at(game.day, game.clock)
        for position in game.group.positions[: size - len(slots)]:
            referee = position == REFEREE
            slots.append(
                Slot(
                    id=len(slots) + 1,
                    game_id=game_id,
                    position_id=position,
                    start=start,
                    end=start + timedelta(minutes=game.group.minutes),
                    local_date=game.day,
                    venue_id=game.venue_id,
                    age_group_id=game.group.id,
                    league_id=game.home.league_id,
                    home_team_id=game.home.id,
                    away_team_id=game.away.id,
                    min_official_age=game.group.referee_min_age if referee else None,
                    level=game.group.level + (1 if referee else 0),
                    fee_cents=game.group.referee_fee if referee else game.group.assistant_fee,
                )
            )
    return slots, venues


def qualified(rnd: random.Random, grade: int) -> frozenset[tuple[int, int]]:
    assistant_only = rnd.random() < 0.10
    pairs = set()
    for group in AGE_GROUPS:
        if group.level <= grade + 2:
            pairs |= {(group.id, p) for p in group.positions if p != REFEREE}
        if group.level <= grade + 1 and not assistant_only:
            pairs.add((group.id, REFEREE))
    return frozenset(pairs)


def availability(rnd: random.Random, days: list[date]) -> tuple[Window, ...]:
    kind = rnd.choices(("all", "windows", "one day", "sparse"), weights=(35, 30, 20, 15))[0]
    preferred = rnd.randrange(2)
    windows: list[Window] = []
    off = False
    for k, day in enumerate(days):
        if k % 2 == 0:
            off = rnd.random() < 0.10  # a weekend off
        if off:
            continue
        if kind == "all" and rnd.random() < 0.9:
            windows.append(Window(day))
        elif kind == "windows" and rnd.random() < 0.7:
            start, end = rnd.choice(((7, 13), (12, 19), (9, 16)))
            windows.append(Window(day, time(start, 30), time(end, 0)))
        elif (kind == "one day" and k % 2 == preferred) or (
            kind == "sparse" and rnd.random() < 0.4
        ):
            windows.append(Window(day))
    return tuple(windows)


def make_officials(
    rnd: random.Random, count: int, days: list[date], venues: list[Venue], teams: list[int]
) -> list[Official]:
    officials: list[Official] = []
    weeks = len(days) // 2
    for i in range(1, count + 1):
        grade = rnd.choices((1, 2, 3, 4, 5), weights=(25, 30, 25, 15, 5))[0]
        age = rnd.randint(14, 17) if rnd.random() < 0.25 else rnd.randint(18, 65)
        busy: tuple[tuple[datetime, datetime], ...] = ()
        if rnd.random() < 0.05:
            day = rnd.choice(days)
            busy = ((at(day, time(10)), at(day, time(14))),)
        officials.append(
            Official(
                id=i,
                name=f"Official {i}",
                date_of_birth=FIRST_SATURDAY - timedelta(days=365 * age + rnd.randrange(365)),
                availability=availability(rnd, days),
                qualified=qualified(rnd, grade),
                team_conflicts=frozenset(rnd.sample(teams, rnd.randint(1, 2)))
                if rnd.random() < 0.20
                else frozenset(),
                league_conflicts=frozenset({rnd.choice(LEAGUES)})
                if rnd.random() < 0.04
                else frozenset(),
                venue_conflicts=frozenset({rnd.choice(venues).id})
                if rnd.random() < 0.05
                else frozenset(),
                busy=busy,
                max_per_day=rnd.choice((2, 3, 3, 4, None)),
                max_per_week=rnd.choice((3, 4, 5, 6, 8, None)),
                held_outside=(rnd.choice(days),) if rnd.random() < 0.05 else (),
                wanted_games=rnd.randint(1, 5) * weeks if rnd.random() < 0.8 else None,
                strength=grade,
            )
        )
    return conflict_pairs(rnd, officials)


def conflict_pairs(rnd: random.Random, officials: list[Official]) -> list[Official]:
    """About 3% of officials declare a conflict with another; both sides carry it."""
    pairs: dict[int, set[int]] = {o.id: set() for o in officials}
    for o in officials:
        if rnd.random() < 0.03 and len(officials) > 1:
            other = rnd.choice([p.id for p in officials if p.id != o.id])
            pairs[o.id].add(other)
            pairs[other].add(o.id)
    return [
        replace(o, official_conflicts=frozenset(pairs[o.id])) if pairs[o.id] else o
        for o in officials
    ]


def season(size: int, seed: int = 1) -> Instance:
    """``size`` vacant slots of a generated season and its officials (see the module)."""
    if size < 1:
        raise ValueError("size must be at least 1")
    rnd = random.Random(seed)
    weeks = weeks_for(size)
    slots, venues = make_slots(rnd, size, weeks)
    teams = sorted({t for s in slots for t in (s.home_team_id, s.away_team_id) if t is not None})
    count = max(4, round(size / weeks * OFFICIALS_PER_WEEKLY_SLOT))
    officials = make_officials(rnd, count, game_days(weeks), venues, teams)
    return Instance(
        slots=tuple(slots), officials=tuple(officials), venues=tuple(venues), timezone=TIMEZONE
    )


def describe(instance: Instance) -> str:
    """One line: slots, games, weekends, venues, officials."""
    games = len({s.game_id for s in instance.slots})
    days = len({s.local_date for s in instance.slots})
    return (
        f"{len(instance.slots)} slots in {games} games on {days} days, "
        f"{len(instance.venues)} venues, {len(instance.officials)} officials"
    )
