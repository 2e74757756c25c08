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

from ortools.graph.python.max_flow import SimpleMaxFlow  # type: ignore[import-untyped]

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.eligible import eligibility
from refdesk.server.autoassign.instance import Instance, Official, Options, Slot
from refdesk.server.autoassign.rules import Context, build, month_of, week_of


def capacity(ctx: Context, holdings: Holdings, official: Official, slots: list[Slot]) -> int:
    """The most of ``slots`` (distinct games) the official could add under their limits."""
    games = len({s.game_id for s in slots})
    best = games
    caps = (ctx.day_cap(official), ctx.week_cap(official), ctx.month_cap(official))
    for index, cap in enumerate(caps):
        if cap is None:
            continue
        periods: dict[object, tuple[Slot, set[int]]] = {}
        for slot in slots:
            key = (slot.local_date, week_of(slot.local_date), month_of(slot.local_date))[index]
            periods.setdefault(key, (slot, set()))[1].add(slot.game_id)
        room = 0
        for first, period_games in periods.values():
            used = holdings.counts(official, first.local_date)[index]
            room += min(len(period_games), max(0, cap - used))
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
    flow = SimpleMaxFlow()
    source, sink = 0, 1
    nodes: dict[tuple[str, int, int], int] = {}
    linked: set[tuple[int, int]] = set()

    def node(kind: str, a: int, b: int = 0) -> int:
        key = (kind, a, b)
        if key not in nodes:
            nodes[key] = len(nodes) + 2
        return nodes[key]

    for slot in ctx.open_slots:
        if eligible[slot.id]:
            flow.add_arc_with_capacity(node("slot", slot.id), sink, 1)
    for official_id, slots in mine.items():
        official = ctx.officials[official_id]
        cap = capacity(ctx, holdings, official, slots)
        if cap <= 0:
            continue
        flow.add_arc_with_capacity(source, node("official", official_id), cap)
        for slot in slots:
            game = node("game", official_id, slot.game_id)
            if (official_id, slot.game_id) not in linked:
                linked.add((official_id, slot.game_id))
                flow.add_arc_with_capacity(node("official", official_id), game, 1)
            flow.add_arc_with_capacity(game, node("slot", slot.id), 1)
    if flow.num_arcs() == 0:
        return 0
    status = flow.solve(source, sink)
    if status != SimpleMaxFlow.OPTIMAL:
        raise RuntimeError(f"max flow failed: {status}")
    return int(flow.optimal_flow())
