"""An upper bound on the vacant slots any assignment can fill, without CP-SAT: a maximum flow
source → official → (official, day) → (official, game) → slot → sink over the pairs
eligible in isolation (given the fixed slots), where an (official, game) node carries one
unit (one slot per official per game), an (official, day) node at most the games of that day
the official could work one after the other (the most pairwise non-overlapping ones — an
interval schedule, exact by earliest end; one per round with rounds) and the room left under
their daily limit, and an official at most their *capacity*: the games they can still work
under each of their limits, summed over the days / Monday weeks / months with an eligible
slot, the tightest of the three (and never more than their eligible games).

It relaxes travel, overlaps *between* officials' choices, official conflicts and the TUP
windows, so it is a bound and not always tight; the CP-SAT fill phase proves the exact
maximum (``bound_filled``) when it can.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
from ortools.graph.python.max_flow import SimpleMaxFlow  # type: ignore[import-untyped]

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.eligible import eligibility
from refdesk.server.autoassign.instance import Instance, Official, Options, Slot
from refdesk.server.autoassign.rules import Context, build, month_of, week_of


def capacity(ctx: Context, holdings: Holdings, official: Official, slots: list[Slot]) -> int:
    """The most of ``slots`` (distinct games) the official could add under their limits."""
    per_day: dict[date, set[int]] = defaultdict(set)
    for slot in slots:
        per_day[slot.local_date].add(slot.game_id)
    best = sum(len(games) for games in per_day.values())
    caps = (ctx.day_cap(official), ctx.week_cap(official), ctx.month_cap(official))
    for index, cap in enumerate(caps):
        if cap is None:
            continue
        periods: dict[object, tuple[date, int]] = {}
        for day, games in per_day.items():
            key = (day, week_of(day), month_of(day))[index]
            first, count = periods.get(key, (day, 0))
            periods[key] = (first, count + len(games))
        room = 0
        for first, count in periods.values():
            used = holdings.counts(official, first)[index]
            room += min(count, max(0, cap - used))
        best = min(best, room)
    return best


def day_room(ctx: Context, holdings: Holdings, official: Official, slots: list[Slot]) -> int:
    """The most games of one day's ``slots`` the official could work: pairwise
    non-overlapping games (earliest end first; one per round with rounds), within the room
    their daily limit leaves."""
    games: dict[int, Slot] = {}
    for slot in slots:
        games.setdefault(slot.game_id, slot)
    if ctx.rounds:
        most = len({slot.round for slot in games.values()})
    else:
        most, free_from = 0, None
        for slot in sorted(games.values(), key=lambda g: (g.end, g.start)):
            if free_from is None or slot.start >= free_from:
                most, free_from = most + 1, slot.end
    cap = ctx.day_cap(official)
    if cap is not None:
        most = min(most, max(0, cap - holdings.counts(official, slots[0].local_date)[0]))
    return most


def fill_bound(instance: Instance, options: Options | None = None) -> int:
    ctx = build(instance, options or Options())
    holdings = Holdings(ctx)
    return flow_bound(ctx, holdings, eligibility(ctx, holdings))


def flow_bound(ctx: Context, holdings: Holdings, eligible: dict[int, list[int]]) -> int:
    """:func:`fill_bound` on a prepared instance and its eligible pairs."""
    mine: dict[int, list[Slot]] = defaultdict(list)
    for slot in ctx.open_slots:
        for official_id in eligible[slot.id]:
            mine[official_id].append(slot)
    source, sink = 0, 1
    nodes: dict[tuple[str, int, int], int] = {}
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []

    def node(kind: str, a: int, b: int = 0) -> int:
        key = (kind, a, b)
        found = nodes.get(key)
        if found is None:
            found = nodes[key] = len(nodes) + 2
        return found

    def arc(tail: int, head: int, cap: int) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)

    for slot in ctx.open_slots:
        if eligible[slot.id]:
            arc(node("slot", slot.id), sink, 1)
    for official_id, slots in mine.items():
        official = ctx.officials[official_id]
        cap = capacity(ctx, holdings, official, slots)
        if cap <= 0:
            continue
        me = node("official", official_id)
        arc(source, me, cap)
        days: dict[date, list[Slot]] = defaultdict(list)
        for slot in slots:
            days[slot.local_date].append(slot)
        for day, todays in days.items():
            room = day_room(ctx, holdings, official, todays)
            if room <= 0:
                continue
            that_day = node("day", official_id, day.toordinal())
            arc(me, that_day, room)
            for slot in todays:
                key = ("game", official_id, slot.game_id)
                if key not in nodes:
                    arc(that_day, node(*key), 1)
                arc(nodes[key], node("slot", slot.id), 1)
    if not tails:
        return 0
    flow = SimpleMaxFlow()
    flow.add_arcs_with_capacity(
        np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32), np.array(caps)
    )
    status = flow.solve(source, sink)
    if status != SimpleMaxFlow.OPTIMAL:
        raise RuntimeError(f"max flow failed: {status}")
    return int(flow.optimal_flow())
