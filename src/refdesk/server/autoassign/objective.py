"""The objective's parts of a final assignment, computed the same way for every solver (so the
greedy baseline and CP-SAT figures compare).

* ``filled``: vacant slots given an official.
* ``fairness``: Σ over officials of |games − share|, in hundredths of a game, where an
  official's share of the T held games (fixed + filled) is T · w / Σw with w their
  ``wanted_games`` (officials without a wish weigh the mean wish, 1 when nobody has one).
* ``travel_km``: :func:`travel.travel_km` (consecutive games of each official).
* ``strength_mismatch``: Σ over filled slots of max(0, slot level − official strength).
* ``crew_splits``: Σ over (official, local date) of distinct venues − 1.
* ``changes``: re-planned slots (vacant but with a current official) given to someone else
  or left empty.
* ``total``: the weighted sum (``Weights``) of the parts but ``filled`` — fairness per
  game (its hundredths / 100), travel per km, the others per unit — rounded. The CP-SAT
  model minimises 100 × this sum (travel approximated, see :mod:`.model`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from refdesk.server.autoassign.instance import Fill, Instance, Objective, Official, Options
from refdesk.server.autoassign.travel import travel_km


def wishes(officials: Iterable[Official]) -> dict[int, float]:
    """Each official's fairness weight: their wanted games, or the mean wish (1 if none)."""
    officials = list(officials)
    given = [o.wanted_games for o in officials if o.wanted_games is not None]
    default = sum(given) / len(given) if given else 1.0
    return {
        o.id: float(o.wanted_games) if o.wanted_games is not None else default for o in officials
    }


def shares100(officials: Iterable[Official], total: int) -> dict[int, int]:
    """Each official's share of ``total`` games, in hundredths of a game."""
    weights = wishes(officials)
    whole = sum(weights.values())
    if whole <= 0:
        return {o: 0 for o in weights}
    return {o: round(100 * total * w / whole) for o, w in weights.items()}


def held(instance: Instance, fills: Iterable[Fill]) -> dict[int, int]:
    """slot id -> official id for every held slot: fixed ones and the fills."""
    out = {s.id: s.official_id for s in instance.slots if s.fixed and s.official_id is not None}
    out.update({f.slot_id: f.official_id for f in fills})
    return out


def objective(instance: Instance, options: Options, fills: Iterable[Fill]) -> Objective:
    fills = list(fills)
    slots = {s.id: s for s in instance.slots}
    officials = {o.id: o for o in instance.officials}
    holding = held(instance, fills)
    games: dict[int, int] = defaultdict(int)
    venues: dict[tuple[int, date], set[int]] = defaultdict(set)
    for slot_id, official_id in holding.items():
        games[official_id] += 1
        venue = slots[slot_id].venue_id
        if venue is not None:
            venues[(official_id, slots[slot_id].local_date)].add(venue)
    share = shares100(instance.officials, len(holding))
    fairness = sum(abs(100 * games.get(o, 0) - s) for o, s in share.items())
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
        + w.travel * km
        + w.strength * strength
        + w.crews * crews
        + w.change * changes
    )
    return Objective(
        filled=len(fills),
        fairness=fairness,
        travel_km=round(km, 3),
        strength_mismatch=strength,
        crew_splits=crews,
        changes=changes,
        total=total,
    )
