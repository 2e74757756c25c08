"""Distances and travel times between venues, and the exact travel of an assignment.

Distance: ``Instance.distance_km`` when it has the pair (either order), else the straight
line (haversine) between the venues' coordinates, else unknown. Travel minutes between two
games at different venues: distance at ``Options.travel_speed_kmh`` plus
``Options.travel_buffer_minutes`` (the buffer alone when the distance is unknown); the same
venue needs no travel.

Two slots *clash* for one official when they overlap (``E``) or, in time order, the gap
between them is shorter than the travel between their venues (``TR``). When every slot
carries a ``round`` (TUP), slots of one round overlap and slots of different rounds never
clash: travel is then a cost, not a constraint.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import timedelta

from refdesk.server.autoassign.instance import Instance, Options, Slot, Venue

EARTH_KM = 6371.0088


def haversine(a: Venue, b: Venue) -> float | None:
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dp, dl = p2 - p1, math.radians(b.longitude - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


class Distances:
    """Venue-to-venue distances of one instance, memoised."""

    def __init__(self, instance: Instance) -> None:
        self.venues = {v.id: v for v in instance.venues}
        self.matrix = instance.distance_km or {}
        self.memo: dict[tuple[int, int], float | None] = {}

    def km(self, a: int | None, b: int | None) -> float | None:
        if a is None or b is None:
            return None
        if a == b:
            return 0.0
        key = (a, b) if a < b else (b, a)
        if key not in self.memo:
            found = self.matrix.get((a, b), self.matrix.get((b, a)))
            if found is None and a in self.venues and b in self.venues:
                found = haversine(self.venues[a], self.venues[b])
            self.memo[key] = found
        return self.memo[key]


def travel_minutes(distances: Distances, options: Options, a: int | None, b: int | None) -> float:
    if a is not None and a == b:
        return 0.0
    km = distances.km(a, b)
    if km is None:
        return float(options.travel_buffer_minutes)
    return km / options.travel_speed_kmh * 60.0 + options.travel_buffer_minutes


def clash(distances: Distances, options: Options, rounds: bool, a: Slot, b: Slot) -> str | None:
    """``E``, ``TR`` or None for two slots of *different* games held by one official."""
    if rounds:
        return "E" if a.round == b.round else None
    if a.start < b.end and b.start < a.end:
        return "E"
    first, second = (a, b) if a.end <= b.start else (b, a)
    gap = second.start - first.end
    need = travel_minutes(distances, options, first.venue_id, second.venue_id)
    return "TR" if gap < timedelta(minutes=need) else None


def max_travel_minutes(distances: Distances, options: Options, venue_ids: list[int]) -> float:
    """The longest travel time between any two of ``venue_ids`` (for the near-miss sweep)."""
    worst = float(options.travel_buffer_minutes)
    for i, a in enumerate(venue_ids):
        for b in venue_ids[i + 1 :]:
            worst = max(worst, travel_minutes(distances, options, a, b))
    return worst


def travel_km(instance: Instance, assignment: Mapping[int, int]) -> float:
    """The exact travel of an assignment (``slot id -> official id``, every held slot: fixed
    and filled): per official, the venue-to-venue distance between consecutive games — by
    round when every slot carries one (all rounds in a row, TUP), else by start time within
    each local date (an official goes home between days). Unknown distances count 0."""
    distances = Distances(instance)
    slots = {s.id: s for s in instance.slots}
    rounds = bool(instance.slots) and all(s.round is not None for s in instance.slots)
    legs: dict[tuple[int, object], list[Slot]] = defaultdict(list)
    for slot_id, official_id in assignment.items():
        slot = slots[slot_id]
        legs[(official_id, None if rounds else slot.local_date)].append(slot)
    return sum(legs_km(distances, held) for held in legs.values())


def legs_km(distances: Distances, held: Iterable[Slot]) -> float:
    """The venue-to-venue distance between consecutive games of one official's ``held``
    slots (by round, then start): one term of :func:`travel_km`. Unknown distances count 0."""
    ordered = sorted(held, key=lambda s: (s.round or 0, s.start, s.id))
    return sum(distances.km(a.venue_id, b.venue_id) or 0.0 for a, b in itertools.pairwise(ordered))
