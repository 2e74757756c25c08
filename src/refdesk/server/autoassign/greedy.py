"""The baseline most products use: "first available qualified official". Vacant slots in
time order (round, start, id); for each, officials by id; the first one that breaks no hard
constraint given the choices so far takes it. ``visit_every_venue`` (a global constraint) is
not attempted."""

from __future__ import annotations

import time

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.explain import empty_slots
from refdesk.server.autoassign.instance import Fill, Instance, Options, Proposal, Slot
from refdesk.server.autoassign.objective import objective
from refdesk.server.autoassign.rules import Context, build, unary


def greedy_pairs(ctx: Context) -> dict[int, int]:
    """slot id -> official id chosen by the baseline (vacant slots only)."""
    holdings = Holdings(ctx)
    officials = sorted(ctx.officials.values(), key=lambda o: o.id)
    chosen: dict[int, int] = {}
    for slot in ctx.open_slots:
        for official in officials:
            if unary(ctx, slot, official) or holdings.reasons(slot, official):
                continue
            holdings.add(slot, official.id)
            chosen[slot.id] = official.id
            break
    return chosen


def fills_of(ctx: Context, chosen: dict[int, int]) -> tuple[Fill, ...]:
    return tuple(
        Fill(s.id, chosen[s.id], s.lock_version, s.official_id)
        for s in ctx.open_slots
        if s.id in chosen
    )


def greedy(instance: Instance, options: Options | None = None) -> Proposal:
    options = options or Options()
    began = time.perf_counter()
    ctx = build(instance, options)
    chosen = greedy_pairs(ctx)
    fills = fills_of(ctx, chosen)
    left: list[Slot] = [s for s in ctx.open_slots if s.id not in chosen]
    return Proposal(
        fills=fills,
        empty=empty_slots(ctx, chosen, left),
        objective=objective(instance, options, fills),
        status="greedy",
        solve_seconds=time.perf_counter() - began,
    )
