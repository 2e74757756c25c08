"""Which officials may hold which vacant slot in isolation (no unary rule-out, nothing
against the fixed slots), and the pruning of those lists for very large instances."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.instance import Official, Slot
from refdesk.server.autoassign.rules import Context, age_on, available, overlaps


def eligibility(ctx: Context, holdings: Holdings) -> dict[int, list[int]]:
    """slot id -> the officials (by id) who may hold it in isolation, given the fixed slots.

    The same rules as :func:`rules.unary` (the tests hold them equal), evaluated per game for
    what the slots of a game share (date, times, teams, league, venue) and per slot for the
    rest, so a 5,000-slot season is checked in seconds."""
    officials = sorted(ctx.officials.values(), key=lambda o: o.id)
    always = [o for o in officials if o.availability is None]
    on_date: dict[date, list[Official]] = defaultdict(list)
    for o in officials:
        for day in sorted({w.local_date for w in o.availability or ()}):
            on_date[day].append(o)
    games: dict[tuple[object, ...], list[Slot]] = defaultdict(list)
    for slot in ctx.open_slots:
        shared = (slot.local_date, slot.start, slot.end, slot.venue_id, slot.league_id)
        games[(slot.game_id, *shared, slot.home_team_id, slot.away_team_id)].append(slot)
    out: dict[int, list[int]] = {}
    for members in games.values():
        head = members[0]
        candidates = [
            o
            for o in sorted(always + on_date.get(head.local_date, []), key=lambda o: o.id)
            if _game_ok(ctx, head, o)
        ]
        game_holders = holdings.by_game.get(head.game_id)
        for slot in members:
            out[slot.id] = [
                o.id
                for o in candidates
                if _slot_ok(slot, o)
                and not (
                    (o.id in holdings.by_official or o.held_outside or game_holders)
                    and holdings.blocked(slot, o)
                )
            ]
    return out


def _game_ok(ctx: Context, slot: Slot, o: Official) -> bool:
    """The rules every slot of ``slot``'s game shares: D, T, L, V, X."""
    if o.availability is not None and not available(ctx, slot, o):
        return False
    if o.team_conflicts and (
        slot.home_team_id in o.team_conflicts or slot.away_team_id in o.team_conflicts
    ):
        return False
    if slot.league_id is not None and slot.league_id in o.league_conflicts:
        return False
    if slot.venue_id is not None and slot.venue_id in o.venue_conflicts:
        return False
    return not any(overlaps((slot.start, slot.end), busy) for busy in o.busy)


def _slot_ok(slot: Slot, o: Official) -> bool:
    """The rules of one slot: A (ability, minimum age) and G."""
    if o.qualified is not None and (slot.age_group_id, slot.position_id) not in o.qualified:
        return False
    if slot.group_id is not None and slot.group_id not in o.groups:
        return False
    return not (
        slot.min_official_age is not None
        and o.date_of_birth is not None
        and age_on(o.date_of_birth, slot.local_date) < slot.min_official_age
    )


def prune(
    ctx: Context, eligible: dict[int, list[int]], keep: dict[int, int], most: int
) -> dict[int, list[int]]:
    """At most ``most`` candidates per slot: the one in ``keep`` (the greedy choice) and the
    slot's current official first, then the officials in the fewest candidate lists so far
    (so every official stays in play)."""
    lists: dict[int, int] = defaultdict(int)
    out: dict[int, list[int]] = {}
    for slot in ctx.open_slots:
        everyone = eligible[slot.id]
        if len(everyone) <= most:
            chosen = list(everyone)
        else:
            first = [o for o in (keep.get(slot.id), slot.official_id) if o in everyone]
            rest = sorted((o for o in everyone if o not in first), key=lambda o: (lists[o], o))
            chosen = list(dict.fromkeys(first + rest))[:most]
        for o in chosen:
            lists[o] += 1
        out[slot.id] = sorted(chosen)
    return out
