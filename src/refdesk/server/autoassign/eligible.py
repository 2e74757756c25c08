"""Which officials may hold which vacant slot in isolation (no unary rule-out, nothing
against the fixed slots), and the pruning of those lists for very large instances."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.instance import Official
from refdesk.server.autoassign.rules import Context, unary


def eligibility(ctx: Context, holdings: Holdings) -> dict[int, list[int]]:
    """slot id -> the officials (by id) who may hold it in isolation, given the fixed slots."""
    officials = sorted(ctx.officials.values(), key=lambda o: o.id)
    always = [o for o in officials if o.availability is None]
    on_date: dict[date, list[Official]] = defaultdict(list)
    for o in officials:
        for day in sorted({w.local_date for w in o.availability or ()}):
            on_date[day].append(o)
    out: dict[int, list[int]] = {}
    for slot in ctx.open_slots:
        candidates = sorted(always + on_date.get(slot.local_date, []), key=lambda o: o.id)
        game_holders = holdings.by_game.get(slot.game_id)
        out[slot.id] = [
            o.id
            for o in candidates
            if not unary(ctx, slot, o, first=True)
            and not (
                (o.id in holdings.by_official or o.held_outside or game_holders)
                and holdings.reasons(slot, o)
            )
        ]
    return out


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
