"""Why each vacant slot stays empty: every official's unary rule-outs (:mod:`.rules`) and, for
the officials eligible in isolation, the binding reason given the final assignment
(:mod:`.binding`), with a one-line summary in words."""

from __future__ import annotations

from collections import Counter

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.instance import EmptySlot, RuledOut, Slot
from refdesk.server.autoassign.rules import Context, unary

WORDS = {
    "D": "unavailable",
    "A": "not qualified (or under age)",
    "T": "in conflict with a team",
    "L": "in conflict with the league",
    "V": "in conflict with the venue",
    "G": "not in the position's group",
    "X": "working at another site",
    "S": "already on this game",
    "E": "on overlapping games",
    "TR": "too far away to travel in time",
    "C": "at their game limit",
    "O": "in conflict with an official on the game",
    "R": "within a repeat window",
}


def _tally(first_codes: list[str]) -> str:
    counts = Counter(first_codes)
    return ", ".join(f"{n} {WORDS.get(code, code)} ({code})" for code, n in counts.most_common())


def summary(officials: int, unary_codes: list[str], binding_codes: list[str], free: int) -> str:
    """``unary_codes``/``binding_codes``: each blocked official's first code."""
    if officials == 0:
        return "There are no officials to choose from"
    eligible = officials - len(unary_codes)
    if free:
        return (
            f"{free} eligible official{'s' if free != 1 else ''} could still take it (the time "
            "limit was reached before the best fill was proved)"
        )
    if eligible == 0:
        if all(code == "A" for code in unary_codes):
            return "No official is qualified for this age group and position"
        return f"No official can take it: {_tally(unary_codes)}"
    if eligible == 1:
        lead = "The one eligible official is"
    else:
        lead = f"All {eligible} eligible officials are"
    if len(set(binding_codes)) == 1:
        return f"{lead} {WORDS.get(binding_codes[0], binding_codes[0])}"
    return f"{lead} taken: {_tally(binding_codes)}"


def empty_slots(
    ctx: Context, chosen: dict[int, int], left: list[Slot], holdings: Holdings | None = None
) -> tuple[EmptySlot, ...]:
    """Explain every slot of ``left`` given the fixed slots and ``chosen`` (slot -> official)."""
    if holdings is None:
        holdings = Holdings(ctx)
        for slot in ctx.open_slots:
            if slot.id in chosen:
                holdings.add(slot, chosen[slot.id])
    officials = sorted(ctx.officials.values(), key=lambda o: o.id)
    out: list[EmptySlot] = []
    for slot in left:
        ruled: list[RuledOut] = []
        unary_codes: list[str] = []
        binding_codes: list[str] = []
        free = 0
        for official in officials:
            reasons = unary(ctx, slot, official)
            if reasons:
                unary_codes.append(reasons[0].code)
            else:
                reasons = holdings.reasons(slot, official)
                if reasons:
                    binding_codes.append(reasons[0].code)
                else:
                    free += 1
            ruled.extend(reasons)
        out.append(
            EmptySlot(
                slot_id=slot.id,
                lock_version=slot.lock_version,
                summary=summary(len(officials), unary_codes, binding_codes, free),
                ruled_out=tuple(ruled),
            )
        )
    return tuple(out)
