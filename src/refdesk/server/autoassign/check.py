"""An independent checker of every hard constraint, written with plain loops over the
instance and a list of fills (it shares no code with the model, the rules or the travel
module), reporting each violation in words. ``[]``: the fills break nothing.

Pairwise and limit checks report only breaches that involve at least one fill (fixed slots
that already break a rule are the input's, not the solver's)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from refdesk.server.autoassign.instance import Fill, Instance, Official, Options, Slot


def _km(instance: Instance, a: int | None, b: int | None) -> float | None:
    if a is None or b is None:
        return None
    if a == b:
        return 0.0
    matrix = instance.distance_km or {}
    if (a, b) in matrix:
        return matrix[(a, b)]
    if (b, a) in matrix:
        return matrix[(b, a)]
    va = next((v for v in instance.venues if v.id == a), None)
    vb = next((v for v in instance.venues if v.id == b), None)
    if va is None or vb is None:
        return None
    if None in (va.latitude, va.longitude, vb.latitude, vb.longitude):
        return None
    lat1, lon1 = math.radians(va.latitude or 0.0), math.radians(va.longitude or 0.0)
    lat2, lon2 = math.radians(vb.latitude or 0.0), math.radians(vb.longitude or 0.0)
    s = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(s)))


def _unary(instance: Instance, slot: Slot, o: Official) -> list[str]:
    out = []
    tz = ZoneInfo(instance.timezone) if instance.timezone else ZoneInfo("UTC")
    if o.availability is not None:
        ok = False
        for w in o.availability:
            if w.local_date != slot.local_date:
                continue
            if w.start is None or w.end is None:
                ok = True
                continue
            s, e = slot.start.astimezone(tz), slot.end.astimezone(tz)
            if (
                s.date() == slot.local_date
                and e.date() == slot.local_date
                and w.start <= s.time().replace(tzinfo=None)
                and e.time().replace(tzinfo=None) <= w.end
            ):
                ok = True
        if not ok:
            out.append("is not available")
    if o.qualified is not None and (slot.age_group_id, slot.position_id) not in o.qualified:
        out.append("is not qualified")
    if slot.min_official_age is not None and o.date_of_birth is not None:
        b, d = o.date_of_birth, slot.local_date
        age = d.year - b.year - (1 if (d.month, d.day) < (b.month, b.day) else 0)
        if age < slot.min_official_age:
            out.append("is under the minimum age")
    for team in (slot.home_team_id, slot.away_team_id):
        if team is not None and team in o.team_conflicts:
            out.append(f"has a conflict with team {team}")
    if slot.league_id is not None and slot.league_id in o.league_conflicts:
        out.append("has a conflict with the league")
    if slot.venue_id is not None and slot.venue_id in o.venue_conflicts:
        out.append("has a conflict with the venue")
    if slot.group_id is not None and slot.group_id not in o.groups:
        out.append("is not in the group")
    for b0, b1 in o.busy:
        if slot.start < b1 and b0 < slot.end:
            out.append("is busy at another site")
    return out


def violations(instance: Instance, options: Options, fills: Iterable[Fill]) -> list[str]:
    fills = list(fills)
    slots = {s.id: s for s in instance.slots}
    officials = {o.id: o for o in instance.officials}
    out: list[str] = []
    seen: set[int] = set()
    holder: dict[int, int] = {}
    filled: set[int] = set()
    for s in instance.slots:
        if s.fixed and s.official_id is not None:
            holder[s.id] = s.official_id
    for f in fills:
        if f.slot_id not in slots:
            out.append(f"fill of unknown slot {f.slot_id}")
            continue
        if f.official_id not in officials:
            out.append(f"slot {f.slot_id} given to unknown official {f.official_id}")
            continue
        if f.slot_id in seen:
            out.append(f"slot {f.slot_id} filled twice")
        seen.add(f.slot_id)
        slot = slots[f.slot_id]
        if slot.fixed and slot.official_id is not None:
            if slot.official_id != f.official_id:
                out.append(f"fixed slot {slot.id} given to {f.official_id}")
            continue
        holder[f.slot_id] = f.official_id
        filled.add(f.slot_id)
        for words in _unary(instance, slot, officials[f.official_id]):
            out.append(f"official {f.official_id} on slot {slot.id} {words}")
    per_official: dict[int, list[Slot]] = defaultdict(list)
    for slot_id, official_id in holder.items():
        per_official[official_id].append(slots[slot_id])
    rounds = bool(instance.slots) and all(s.round is not None for s in instance.slots)
    for official_id, held in per_official.items():
        out += _pairs(instance, options, official_id, held, filled, rounds)
        out += _limits(options, officials.get(official_id), held, filled)
        if rounds and options.visit_every_venue:
            venues = {s.venue_id for s in instance.slots if s.venue_id is not None}
            for v in sorted(venues - {s.venue_id for s in held}):
                out.append(f"official {official_id} never works at venue {v}")
    if rounds and options.visit_every_venue:
        venues = {s.venue_id for s in instance.slots if s.venue_id is not None}
        for o in instance.officials:
            if o.id not in per_official and venues:
                out.append(f"official {o.id} never works at any venue")
    by_game: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for slot_id, official_id in holder.items():
        by_game[slots[slot_id].game_id].append((slot_id, official_id))
    for game_id, members in by_game.items():
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                (s1, o1), (s2, o2) = members[i], members[j]
                if s1 not in filled and s2 not in filled:
                    continue
                a, b = officials.get(o1), officials.get(o2)
                if a is None or b is None:
                    continue
                if o2 in a.official_conflicts or o1 in b.official_conflicts:
                    out.append(f"officials {o1} and {o2} conflict but share game {game_id}")
    return out


def _pairs(
    instance: Instance,
    options: Options,
    official_id: int,
    held: list[Slot],
    filled: set[int],
    rounds: bool,
) -> list[str]:
    out = []
    for i in range(len(held)):
        for j in range(i + 1, len(held)):
            a, b = held[i], held[j]
            if a.id not in filled and b.id not in filled:
                continue
            who = f"official {official_id}"
            if a.game_id == b.game_id:
                out.append(f"{who} holds slots {a.id} and {b.id} of one game")
                continue
            if rounds:
                if a.round == b.round:
                    out.append(f"{who} holds slots {a.id} and {b.id} in one round")
                apart = abs((a.round or 0) - (b.round or 0))
                q1, q2 = options.venue_repeat_gap, options.team_repeat_gap
                if q1 and apart < q1 and a.venue_id is not None and a.venue_id == b.venue_id:
                    out.append(f"{who} is at venue {a.venue_id} twice within {q1} rounds")
                teams_a = {t for t in (a.home_team_id, a.away_team_id) if t is not None}
                teams_b = {t for t in (b.home_team_id, b.away_team_id) if t is not None}
                if q2 and apart < q2 and teams_a & teams_b:
                    out.append(f"{who} sees a team twice within {q2} rounds")
                continue
            if a.start < b.end and b.start < a.end:
                out.append(f"{who} holds overlapping slots {a.id} and {b.id}")
                continue
            first, second = (a, b) if a.end <= b.start else (b, a)
            if first.venue_id is not None and first.venue_id == second.venue_id:
                continue
            km = _km(instance, first.venue_id, second.venue_id)
            minutes = options.travel_buffer_minutes + (
                km / options.travel_speed_kmh * 60 if km is not None else 0.0
            )
            if second.start - first.end < timedelta(minutes=minutes):
                out.append(f"{who} cannot travel from slot {first.id} to slot {second.id} in time")
    return out


def _limits(
    options: Options, official: Official | None, held: list[Slot], filled: set[int]
) -> list[str]:
    if official is None:
        return []
    out = []

    def cap(own: int | None, every: int | None) -> int | None:
        values = [v for v in (own, every) if v is not None]
        return min(values) if values else None

    days: list[tuple[date, bool]] = [(s.local_date, s.id in filled) for s in held]
    days += [(d, False) for d in official.held_outside]
    tests = (
        ("day", cap(official.max_per_day, options.max_per_day), lambda d: d),
        (
            "week",
            cap(official.max_per_week, options.max_per_week),
            lambda d: d - timedelta(days=d.weekday()),
        ),
        ("month", official.max_per_month, lambda d: (d.year, d.month)),
    )
    for words, limit, key in tests:
        if limit is None:
            continue
        count: dict[object, int] = defaultdict(int)
        touched: set[object] = set()
        for d, is_fill in days:
            count[key(d)] += 1
            if is_fill:
                touched.add(key(d))
        for k in sorted(touched, key=str):
            if count[k] > limit:
                out.append(
                    f"official {official.id} has {count[k]} games in the {words} of {k}; "
                    f"the limit is {limit}"
                )
    return out
