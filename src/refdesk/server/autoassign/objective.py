"""The objective's parts of a final assignment, computed the same way for every solver (so the
greedy baseline and CP-SAT figures compare).

* ``filled``: vacant slots given an official.
* ``fairness``: Σ over officials of |games − share|, in hundredths of a game, where an
  official's share of the held games (fixed + filled) follows their ``wanted_games`` up to
  what they can hold (:mod:`.fairness`).
* ``fee_fairness``: Σ over officials of |fees − fee share|, in cents, the fee share being
  the held fees in proportion to the game share.
* ``travel_km``: :func:`travel.travel_km` (consecutive games of each official).
* ``strength_mismatch``: Σ over filled slots of max(0, slot level − official strength).
* ``crew_splits``: Σ over (official, local date) of distinct venues − 1.
* ``changes``: re-planned slots (vacant but with a current official) given to someone else
  or left empty.
* ``total``: the weighted sum (``Weights``) of the parts but ``filled`` — fairness per
  game (its hundredths / 100) and per games' worth of fees (``fee_fairness`` / the mean
  fee of the instance's slots, both under ``weights.fairness``), travel per km, the others
  per unit — rounded. The CP-SAT
  model minimises 100 × this sum (travel approximated, see :mod:`.model`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from refdesk.server.autoassign.binding import Holdings
from refdesk.server.autoassign.fairness import capacities, fee_shares, mean_fee, shares100
from refdesk.server.autoassign.instance import Fill, Instance, Objective, Options
from refdesk.server.autoassign.rules import build
from refdesk.server.autoassign.travel import travel_km


def held(instance: Instance, fills: Iterable[Fill]) -> dict[int, int]:
    """slot id -> official id for every held slot: fixed ones and the fills."""
    out = {s.id: s.official_id for s in instance.slots if s.fixed and s.official_id is not None}
    out.update({f.slot_id: f.official_id for f in fills})
    return out


def objective(
    instance: Instance,
    options: Options,
    fills: Iterable[Fill],
    caps: dict[int, int] | None = None,
) -> Objective:
    """The parts of ``fills`` (see the module). ``caps``: the officials' capacities when the
    caller has them (:func:`fairness.capacities` of this instance), else computed here."""
    fills = list(fills)
    slots = {s.id: s for s in instance.slots}
    officials = {o.id: o for o in instance.officials}
    holding = held(instance, fills)
    games: dict[int, int] = defaultdict(int)
    fees: dict[int, int] = defaultdict(int)
    venues: dict[tuple[int, date], set[int]] = defaultdict(set)
    for slot_id, official_id in holding.items():
        games[official_id] += 1
        fees[official_id] += slots[slot_id].fee_cents
        venue = slots[slot_id].venue_id
        if venue is not None:
            venues[(official_id, slots[slot_id].local_date)].add(venue)
    if caps is None:
        ctx = build(instance, options)
        caps = capacities(ctx, Holdings(ctx))
    share = shares100(instance.officials, len(holding), caps)
    fairness = sum(abs(100 * games.get(o, 0) - s) for o, s in share.items())
    fee_share = fee_shares(share, len(holding), sum(fees.values()))
    fee_fairness = sum(abs(fees.get(o, 0) - s) for o, s in fee_share.items())
    unit = mean_fee(instance.slots)
    strength = sum(
        max(0, slots[f.slot_id].level - officials[f.official_id].strength)
        for f in fills
        if f.official_id in officials
    )
    crews = sum(len(v) - 1 for v in venues.values())
    given = {f.slot_id: f.official_id for f in fills}
    changes = sum(
        1
        for s in instance.slots
        if not s.fixed and s.official_id is not None and given.get(s.id) != s.official_id
    )
    km = travel_km(instance, holding)
    w = options.weights
    total = round(
        w.fairness * fairness / 100
        + (w.fairness * fee_fairness / unit if unit else 0.0)
        + w.travel * km
        + w.strength * strength
        + w.crews * crews
        + w.change * changes
    )
    return Objective(
        filled=len(fills),
        fairness=fairness,
        fee_fairness=fee_fairness,
        travel_km=round(km, 3),
        strength_mismatch=strength,
        crew_splits=crews,
        changes=changes,
        total=total,
    )
