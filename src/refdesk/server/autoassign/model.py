"""The CP-SAT model's variables and hard constraints.

One Boolean per *eligible* (vacant slot, official) pair: eligible means no unary rule-out
(:mod:`.rules`) and nothing against the fixed slots (:mod:`.binding`: overlap, travel, the
same game, an official conflict on the game, a repeat window, a limit already reached).

Hard constraints, over those Booleans:

* one official per slot; one slot per official per game;
* no two games of one official overlapping: one at-most-one per official over each maximal
  clique of overlapping games (a sweep over the games' intervals; one clique per round when
  slots carry rounds);
* travel: for the few *near-miss* game pairs (not overlapping, but the gap is shorter than
  the travel between their venues, found by a sweep bounded by the longest travel time) an
  at-most-one per official — never all O(n²) pairs;
* official conflicts: two officials who conflict never share a game;
* limits per local day, Monday week and month (the official's own, capped by
  ``Options.max_per_day/week``), minus what fixed slots and ``held_outside`` already use;
* TUP: at most one game at a venue in any ``venue_repeat_gap`` consecutive rounds, at most
  one game with a team in any ``team_repeat_gap`` consecutive rounds, and (when
  ``visit_every_venue``) every official at every venue at least once.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ortools.sat.python import cp_model

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.instance import Slot
from refdesk.server.autoassign.rules import Context, month_of, week_of
from refdesk.server.autoassign.travel import Distances, max_travel_minutes, travel_minutes

Pair = tuple[int, int]
"""(slot id, official id)"""


@dataclass
class Game:
    id: int
    start: datetime
    end: datetime
    venue_id: int | None
    round: int | None
    slots: list[Slot] = field(default_factory=list)


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[Pair, cp_model.IntVar]
    games: dict[int, Game]
    by_official_game: dict[tuple[int, int], list[cp_model.IntVar]]
    """(official, game) -> the official's Booleans on that game's slots."""


def games_of(slots: list[Slot]) -> dict[int, Game]:
    games: dict[int, Game] = {}
    for slot in slots:
        game = games.get(slot.game_id)
        if game is None:
            game = games[slot.game_id] = Game(
                slot.game_id, slot.start, slot.end, slot.venue_id, slot.round
            )
        game.start, game.end = min(game.start, slot.start), max(game.end, slot.end)
        game.slots.append(slot)
    for game in games.values():
        game.end = max(game.end, game.start + timedelta(seconds=1))
    return games


def cliques(games: dict[int, Game], rounds: bool) -> list[list[int]]:
    """The maximal sets of games overlapping in time (one set per round with rounds)."""
    if rounds:
        by_round: dict[int | None, list[int]] = defaultdict(list)
        for game in games.values():
            by_round[game.round].append(game.id)
        return [ids for ids in by_round.values() if len(ids) > 1]
    events = sorted(
        [(g.end, 0, g.id) for g in games.values()] + [(g.start, 1, g.id) for g in games.values()]
    )
    active: set[int] = set()
    grew = False
    out: list[list[int]] = []
    for _, kind, game_id in events:
        if kind == 1:
            active.add(game_id)
            grew = True
            continue
        if grew and len(active) > 1:
            out.append(sorted(active))
        grew = False
        active.discard(game_id)
    return out


def near_misses(
    ctx: Context, distances: Distances, games: dict[int, Game]
) -> list[tuple[int, list[int]]]:
    """(game, later games) where each later game does not overlap the first but is too close
    in time for the travel between their venues, and the later games overlap one another —
    so the first and the group are a clique of the conflict graph."""
    if ctx.rounds:
        return []
    options = ctx.options
    venue_ids = sorted({g.venue_id for g in games.values() if g.venue_id is not None})
    reach = timedelta(minutes=max_travel_minutes(distances, options, venue_ids))
    ordered = sorted(games.values(), key=lambda g: (g.start, g.id))
    starts = [g.start for g in ordered]
    out: list[tuple[int, list[int]]] = []
    for first in games.values():
        lo = bisect.bisect_left(starts, first.end)
        hi = bisect.bisect_left(starts, first.end + reach)
        group: list[int] = []
        group_end: datetime | None = None
        for second in ordered[lo:hi]:
            need = travel_minutes(distances, options, first.venue_id, second.venue_id)
            if second.start - first.end >= timedelta(minutes=need):
                continue
            if group_end is not None and second.start >= group_end:
                out.append((first.id, group))
                group, group_end = [], None
            group.append(second.id)
            group_end = second.end if group_end is None else min(group_end, second.end)
        if group:
            out.append((first.id, group))
    return out


def build_model(
    ctx: Context, distances: Distances, holdings: Holdings, eligible: dict[int, list[int]]
) -> Built:
    model = cp_model.CpModel()
    x: dict[Pair, cp_model.IntVar] = {}
    games = games_of(ctx.open_slots)
    by_og: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    by_official: dict[int, list[tuple[Slot, cp_model.IntVar]]] = defaultdict(list)
    for slot in ctx.open_slots:
        lits = []
        for official_id in eligible[slot.id]:
            var = model.new_bool_var(f"x_{slot.id}_{official_id}")
            x[(slot.id, official_id)] = var
            by_og[(official_id, slot.game_id)].append(var)
            by_official[official_id].append((slot, var))
            lits.append(var)
        if len(lits) > 1:
            model.add_at_most_one(lits)
    for lits in by_og.values():
        if len(lits) > 1:
            model.add_at_most_one(lits)
    games_by_official: dict[int, set[int]] = defaultdict(set)
    for official_id, game_id in by_og:
        games_by_official[official_id].add(game_id)
    _overlaps(model, ctx, distances, games, by_og, games_by_official)
    _conflicts(model, ctx, games, by_og, games_by_official)
    _limits(model, ctx, holdings, by_official)
    if ctx.rounds:
        _repeats(model, ctx, holdings, by_official)
    return Built(model=model, x=x, games=games, by_official_game=by_og)


def _overlaps(
    model: cp_model.CpModel,
    ctx: Context,
    distances: Distances,
    games: dict[int, Game],
    by_og: dict[tuple[int, int], list[cp_model.IntVar]],
    games_by_official: dict[int, set[int]],
) -> None:
    every = cliques(games, ctx.rounds)
    for official_id, mine in games_by_official.items():
        seen: set[frozenset[int]] = set()
        for clique in every:
            held = frozenset(g for g in clique if g in mine)
            if len(held) > 1 and held not in seen:
                seen.add(held)
                model.add_at_most_one([v for g in held for v in by_og[(official_id, g)]])
    holders: dict[int, list[int]] = defaultdict(list)
    for official_id, mine in games_by_official.items():
        for game_id in mine:
            holders[game_id].append(official_id)
    for first, group in near_misses(ctx, distances, games):
        for official_id in holders.get(first, []):
            mine = games_by_official[official_id]
            later = [v for g in group if g in mine for v in by_og[(official_id, g)]]
            if later:
                model.add_at_most_one(by_og[(official_id, first)] + later)


def _conflicts(
    model: cp_model.CpModel,
    ctx: Context,
    games: dict[int, Game],
    by_og: dict[tuple[int, int], list[cp_model.IntVar]],
    games_by_official: dict[int, set[int]],
) -> None:
    for pair in ctx.conflict_pairs:
        a, b = sorted(pair)
        both = games_by_official.get(a, set()) & games_by_official.get(b, set())
        for game_id in both:
            model.add_at_most_one(by_og[(a, game_id)] + by_og[(b, game_id)])


def _limits(
    model: cp_model.CpModel,
    ctx: Context,
    holdings: Holdings,
    by_official: dict[int, list[tuple[Slot, cp_model.IntVar]]],
) -> None:
    for official_id, pairs in by_official.items():
        official = ctx.officials[official_id]
        caps = (ctx.day_cap(official), ctx.week_cap(official), ctx.month_cap(official))
        for index, cap in enumerate(caps):
            if cap is None:
                continue
            groups: dict[object, list[tuple[Slot, cp_model.IntVar]]] = defaultdict(list)
            for slot, var in pairs:
                key = (slot.local_date, week_of(slot.local_date), month_of(slot.local_date))
                groups[key[index]].append((slot, var))
            for members in groups.values():
                used = holdings.counts(official, members[0][0].local_date)[index]
                room = max(0, cap - used)
                if len(members) > room:
                    model.add(cp_model.LinearExpr.sum([var for _, var in members]) <= room)


def _venue_keys(slot: Slot) -> list[int]:
    return [slot.venue_id] if slot.venue_id is not None else []


def _team_keys(slot: Slot) -> list[int]:
    return [t for t in (slot.home_team_id, slot.away_team_id) if t is not None]


def _repeats(
    model: cp_model.CpModel,
    ctx: Context,
    holdings: Holdings,
    by_official: dict[int, list[tuple[Slot, cp_model.IntVar]]],
) -> None:
    options = ctx.options
    venues = sorted({s.venue_id for s in ctx.instance.slots if s.venue_id is not None})
    for official_id, pairs in by_official.items():
        for gap, keys_of in (
            (options.venue_repeat_gap, _venue_keys),
            (options.team_repeat_gap, _team_keys),
        ):
            if not gap or gap < 2:
                continue
            rounds_of: dict[int, dict[int, list[cp_model.IntVar]]] = defaultdict(
                lambda: defaultdict(list)
            )
            for slot, var in pairs:
                assert slot.round is not None
                for key in keys_of(slot):
                    rounds_of[key][slot.round].append(var)
            for by_round in rounds_of.values():
                rounds = sorted(by_round)
                for r in rounds:
                    window = [v for q in rounds if r <= q < r + gap for v in by_round[q]]
                    if len(window) > 1:
                        model.add_at_most_one(window)
        if options.visit_every_venue:
            held = {s.venue_id for s in holdings.by_official.get(official_id, [])}
            for venue in venues:
                if venue not in held:
                    model.add_bool_or([v for s, v in pairs if s.venue_id == venue])
    if options.visit_every_venue:
        for official_id in ctx.officials:
            if official_id not in by_official:
                held = {s.venue_id for s in holdings.by_official.get(official_id, [])}
                if set(venues) - held:
                    model.add_bool_or([])
