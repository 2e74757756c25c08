"""The baseline most products use: "first available qualified official". Vacant slots in
time order (round, start, id); for each, officials by id; the first one that breaks no hard
constraint given the choices so far takes it. ``visit_every_venue`` (a global constraint) is
not attempted."""

from __future__ import annotations

import time

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.eligible import eligibility
from refdesk.server.autoassign.explain import empty_slots
from refdesk.server.autoassign.instance import Fill, Instance, Options, Proposal, Slot
from refdesk.server.autoassign.objective import objective
from refdesk.server.autoassign.rules import Context, build


def greedy_pairs(
    ctx: Context,
    eligible: dict[int, list[int]] | None = None,
    prefer: dict[int, int] | None = None,
) -> dict[int, int]:
    """slot id -> official id chosen by the baseline (vacant slots only). ``eligible``: the
    officials eligible in isolation per slot (:func:`model.eligibility`), computed if not
    given. ``prefer``: an official to try first per slot (repairs a relaxed assignment into
    a feasible one that keeps most of it)."""
    holdings = Holdings(ctx)
    if eligible is None:
        eligible = eligibility(ctx, holdings)
    chosen: dict[int, int] = {}
    for slot in ctx.open_slots:
        first = [] if prefer is None or slot.id not in prefer else [prefer[slot.id]]
        for official_id in dict.fromkeys(first + eligible[slot.id]):
            if official_id not in ctx.officials:
                continue
            if holdings.blocked(slot, ctx.officials[official_id]):
                continue
            holdings.add(slot, official_id)
            chosen[slot.id] = official_id
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
