"""An upper bound on the vacant slots any assignment can fill, without CP-SAT: a maximum flow
source → official → (official, game) → slot → sink over the pairs eligible in isolation
(given the fixed slots), where an (official, game) node carries one unit (one slot per
official per game) and an official carries at most their *capacity*: the games they can
still work under each of their limits, summed over the days / Monday weeks / months with
an eligible slot, the tightest of the three (and never more than their eligible games).

It relaxes overlaps, travel, official conflicts and the TUP windows, so it is a bound and
not always tight; the CP-SAT fill phase proves the exact maximum (``bound_filled``).
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
        cap = capacity(ctx, holdings, ctx.officials[official_id], slots)
        if cap <= 0:
            continue
        me = node("official", official_id)
        arc(source, me, cap)
        for slot in slots:
            key = ("game", official_id, slot.game_id)
            if key not in nodes:
                arc(me, node(*key), 1)
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
