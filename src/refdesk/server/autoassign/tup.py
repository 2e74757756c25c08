"""The Traveling Umpire Problem (TUP) as an auto-assign instance: an external anchor for the
solver (pure: text in, plain data out; reading the file is the caller's business).

The format (Trick and Yildiz's benchmark, e.g. ``umps8.txt``)::

    nTeams=8;
    dist= [ [0 745 ...] [745 0 ...] ... ];
    opponents=[ [5 -6 -7 8 -1 2 3 -4] ... ];

``dist`` is the symmetric distance matrix between the teams' home venues; ``opponents[r][t]``
is the opponent of team ``t + 1`` in round ``r`` (1-based team numbers; positive: ``t + 1``
plays at home, negative: away). 2n teams play 4n - 2 rounds of n games; n umpires work one
game each per round.

The mapping: umpires are officials ``1 … n``; each game of each round is one slot
(``Slot.round`` = the round's index from 0, venue = the home team's number, home and away team
ids = the team numbers, one position per game); ``Instance.distance_km`` is the matrix; q1 and
q2 become ``Options.venue_repeat_gap`` and ``team_repeat_gap`` with ``visit_every_venue``. Rounds
are a week apart so that no travel time ever rules out a sequence (the TUP has none): only the
repeat windows and the one-game-per-round rule constrain it. The objective is travel alone.

:func:`violations` checks a result against the TUP's own rules with plain loops (independent of
the solver and of ``check``); :func:`total_distance` reads back the TUP objective.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from refdesk.server.autoassign.instance import (
    Fill,
    Instance,
    Official,
    Options,
    Slot,
    Venue,
    Weights,
)

FIRST_ROUND = datetime(2027, 4, 3, 18, 0, tzinfo=UTC)  # a Saturday; one round a week
ROUND_LENGTH = timedelta(hours=3)
POSITION = 1
TUP_WEIGHTS = Weights(fill=100_000, fairness=0, travel=1, strength=0, crews=0, change=0)
"""Every game must be umpired (fill first, by far), then travel is the whole objective."""


@dataclass(frozen=True)
class TupProblem:
    teams: int
    distance: tuple[tuple[int, ...], ...]
    opponents: tuple[tuple[int, ...], ...]
    """``opponents[round][team - 1]``: the opponent's number, positive when ``team`` is home."""

    @property
    def umpires(self) -> int:
        return self.teams // 2

    @property
    def rounds(self) -> int:
        return len(self.opponents)

    def games(self, round_index: int) -> list[tuple[int, int]]:
        """(home, away) team numbers of one round, by home team."""
        row = self.opponents[round_index]
        return [(t + 1, row[t]) for t in range(self.teams) if row[t] > 0]


def _matrix(text: str, name: str) -> tuple[tuple[int, ...], ...]:
    found = re.search(rf"\b{name}\s*=\s*\[(.*?)\]\s*;", text, re.DOTALL)
    if found is None:
        raise ValueError(f"TUP: no '{name} = [ … ];' block")
    rows = re.findall(r"\[([^\[\]]*)\]", found.group(1))
    try:
        return tuple(tuple(int(v) for v in row.replace(",", " ").split()) for row in rows)
    except ValueError as exc:
        raise ValueError(f"TUP: '{name}' holds a value that is not an integer") from exc


def parse(text: str) -> TupProblem:
    """Read the TUP format; ``ValueError`` in words when the text does not describe a valid
    instance (sizes, symmetry, a round that is not a perfect pairing of home and away)."""
    found = re.search(r"\bnTeams\s*=\s*(\d+)\s*;", text)
    if found is None:
        raise ValueError("TUP: no 'nTeams=N;' line")
    teams = int(found.group(1))
    if teams < 2 or teams % 2:
        raise ValueError(f"TUP: nTeams must be even and at least 2, not {teams}")
    distance = _matrix(text, "dist")
    if len(distance) != teams or any(len(row) != teams for row in distance):
        raise ValueError(f"TUP: dist must be {teams} rows of {teams} values")
    for a in range(teams):
        if distance[a][a] != 0:
            raise ValueError(f"TUP: dist[{a + 1}][{a + 1}] is not 0")
        for b in range(teams):
            if distance[a][b] < 0 or distance[a][b] != distance[b][a]:
                raise ValueError(f"TUP: dist is not symmetric non-negative at {a + 1},{b + 1}")
    opponents = _matrix(text, "opponents")
    if not opponents:
        raise ValueError("TUP: opponents has no rounds")
    for r, row in enumerate(opponents, start=1):
        if len(row) != teams:
            raise ValueError(f"TUP: round {r} has {len(row)} entries, not {teams}")
        for t, other in enumerate(row, start=1):
            if not 1 <= abs(other) <= teams or abs(other) == t:
                raise ValueError(f"TUP: round {r}: team {t} meets {other}")
            if row[abs(other) - 1] != (-t if other > 0 else t):
                raise ValueError(f"TUP: round {r}: teams {t} and {abs(other)} do not pair up")
    return TupProblem(teams=teams, distance=distance, opponents=opponents)


def to_instance(problem: TupProblem) -> Instance:
    """Umpires as officials, each game as a one-position slot (ids: ``round * n + k + 1``)."""
    n = problem.umpires
    slots: list[Slot] = []
    for r in range(problem.rounds):
        start = FIRST_ROUND + timedelta(weeks=r)
        for k, (home, away) in enumerate(problem.games(r)):
            slots.append(
                Slot(
                    id=r * n + k + 1,
                    game_id=r * n + k + 1,
                    position_id=POSITION,
                    start=start,
                    end=start + ROUND_LENGTH,
                    local_date=start.date(),
                    venue_id=home,
                    home_team_id=home,
                    away_team_id=away,
                    round=r,
                )
            )
    teams = range(1, problem.teams + 1)
    return Instance(
        slots=tuple(slots),
        officials=tuple(Official(id=u, name=f"Umpire {u}") for u in range(1, n + 1)),
        venues=tuple(Venue(id=t, name=f"Team {t}") for t in teams),
        distance_km={(a, b): float(problem.distance[a - 1][b - 1]) for a in teams for b in teams},
    )


def options(
    q1: int, q2: int, *, time_limit_seconds: float = 60.0, workers: int = 2, seed: int = 0
) -> Options:
    """The TUP's rules as options: venue window q1, team window q2, every venue visited."""
    return Options(
        weights=TUP_WEIGHTS,
        time_limit_seconds=time_limit_seconds,
        workers=workers,
        seed=seed,
        venue_repeat_gap=q1,
        team_repeat_gap=q2,
        visit_every_venue=True,
    )


def schedules(instance: Instance, fills: Iterable[Fill]) -> dict[int, list[Slot]]:
    """Each umpire's games in round order."""
    by_id = {s.id: s for s in instance.slots}
    games: dict[int, list[Slot]] = defaultdict(list)
    for fill in fills:
        games[fill.official_id].append(by_id[fill.slot_id])
    for held in games.values():
        held.sort(key=lambda s: (s.round or 0, s.start))
    return dict(games)


def total_distance(instance: Instance, fills: Iterable[Fill]) -> int:
    """The TUP objective: the sum over umpires of the distances between the venues of their
    consecutive games (no trip from or to a home base, as in the benchmark)."""
    matrix = instance.distance_km or {}
    total = 0.0
    for held in schedules(instance, fills).values():
        for a, b in pairwise(held):
            if a.venue_id is not None and b.venue_id is not None:
                total += matrix[(a.venue_id, b.venue_id)]
    return round(total)


def violations(problem: TupProblem, q1: int, q2: int, fills: Iterable[Fill]) -> list[str]:
    """Every broken TUP rule, in words: each game exactly one umpire, each umpire one game per
    round, every venue visited, no venue again within q1 rounds, no team again within q2."""
    instance = to_instance(problem)
    fills = list(fills)
    found: list[str] = []
    per_slot: dict[int, int] = defaultdict(int)
    for fill in fills:
        per_slot[fill.slot_id] += 1
    for slot in instance.slots:
        if per_slot[slot.id] != 1:
            found.append(f"game {slot.id} (round {slot.round}) has {per_slot[slot.id]} umpires")
    plans = schedules(instance, fills)
    for umpire in range(1, problem.umpires + 1):
        held = plans.get(umpire, [])
        if sorted(s.round or 0 for s in held) != list(range(problem.rounds)):
            found.append(f"umpire {umpire} does not work exactly one game in every round")
        missed = set(range(1, problem.teams + 1)) - {s.venue_id for s in held}
        if missed:
            found.append(f"umpire {umpire} never visits venue(s) {sorted(missed)}")
        for i, a in enumerate(held):
            for b in held[i + 1 :]:
                gap = (b.round or 0) - (a.round or 0)
                if gap < q1 and a.venue_id == b.venue_id:
                    found.append(
                        f"umpire {umpire} at venue {a.venue_id} in rounds {a.round} and {b.round}"
                    )
                both = {a.home_team_id, a.away_team_id} & {b.home_team_id, b.away_team_id}
                if gap < q2 and both:
                    found.append(
                        f"umpire {umpire} sees team(s) {sorted(t for t in both if t)} in rounds "
                        f"{a.round} and {b.round}"
                    )
    return found
