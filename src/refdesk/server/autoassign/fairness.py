"""Each official's fair share of the held games and of their fees.

An official's share is proportional to what they asked for (``wanted_games``; officials
without a wish weigh the mean wish, 1 when nobody has one) but never more than they can
hold: their *capacity*, the fixed games they hold plus the most vacant games they could add
under their day, week and month limits among the slots they are eligible for
(:func:`bound.capacity`). What a capped official cannot take is shared among the others in
the same proportions (water-filling). Without the cap the shares of officials who cannot
reach them are unattainable, the others' shares sum to less than they must hold, and an
absolute deviation is then indifferent to *who* holds the surplus: one official taking all
of it costs the same as everyone taking a little. With it, the shares are attainable and
sum to the games held, so the surplus is spread.

An official's fee share is the held fees in the same proportion as their game share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.bound import capacity
from refdesk.server.autoassign.eligible import eligibility
from refdesk.server.autoassign.instance import Official, Slot
from refdesk.server.autoassign.rules import Context


def wishes(officials: Iterable[Official]) -> dict[int, float]:
    """Each official's fairness weight: their wanted games, or the mean wish (1 if none)."""
    officials = list(officials)
    given = [o.wanted_games for o in officials if o.wanted_games is not None]
    default = sum(given) / len(given) if given else 1.0
    return {
        o.id: float(o.wanted_games) if o.wanted_games is not None else default for o in officials
    }


def capacities(
    ctx: Context, holdings: Holdings, eligible: dict[int, list[int]] | None = None
) -> dict[int, int]:
    """official id -> the most games they can hold (see the module)."""
    if eligible is None:
        eligible = eligibility(ctx, holdings)
    mine: dict[int, list[Slot]] = defaultdict(list)
    for slot in ctx.open_slots:
        for official_id in eligible.get(slot.id, ()):
            mine[official_id].append(slot)
    return {
        o.id: len(holdings.by_official.get(o.id, ()))
        + (capacity(ctx, holdings, o, mine[o.id]) if mine[o.id] else 0)
        for o in ctx.officials.values()
    }


def split(weights: dict[int, float], caps: dict[int, int] | None, total: float) -> dict[int, float]:
    """``total`` in proportion to ``weights``, no one above their cap (water-filling)."""
    out: dict[int, float] = {}
    free = dict(weights)
    left = float(total)
    while free:
        whole = sum(free.values())
        if whole <= 0:
            out.update({o: 0.0 for o in free})
            break
        rate = left / whole
        capped = [
            o for o, w in free.items() if caps is not None and o in caps and caps[o] < rate * w
        ]
        if not capped:
            out.update({o: rate * w for o, w in free.items()})
            break
        for o in capped:
            out[o] = float(caps[o]) if caps is not None else 0.0
            left -= out[o]
            del free[o]
    return out


def shares100(
    officials: Iterable[Official], total: int, caps: dict[int, int] | None = None
) -> dict[int, int]:
    """Each official's share of ``total`` games, in hundredths of a game."""
    return {o: round(100 * s) for o, s in split(wishes(officials), caps, total).items()}


def fee_shares(games100: dict[int, int], total_games: int, total_fees: int) -> dict[int, int]:
    """Each official's share of ``total_fees`` cents: the fees in proportion to their game
    share (``games100``, hundredths of a game, of ``total_games``)."""
    if total_games <= 0:
        return {o: 0 for o in games100}
    return {o: round(total_fees * g / (100 * total_games)) for o, g in games100.items()}


def mean_fee(slots: Iterable[Slot]) -> float:
    """The mean fee of the slots that carry one, in cents (0 when none does): the unit that
    turns a fee deviation into games' worth."""
    fees = [s.fee_cents for s in slots if s.fee_cents > 0]
    return sum(fees) / len(fees) if fees else 0.0
