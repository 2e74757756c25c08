"""Availability wire format (contract §17.2): string booleans, localized times."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.availability.models import Availability
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, is_blank, read_bool, read_date, read_str, read_time
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import bool_string, localized_time, timestamp


def short_time(value: time) -> str:
    """``8a``, ``5:30p``: the hour, ``:MM`` only when minutes are not zero, ``a``/``p``."""
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'a' if value.hour < 12 else 'p'}"


def describe(all_day: bool, start: time | None, end: time | None) -> str:
    """The generated description: ``all day`` or ``8a-11a``."""
    if all_day or start is None or end is None:
        return "all day"
    return f"{short_time(start)}-{short_time(end)}"


def default_description(entry: Availability) -> str:
    return describe(entry.all_day, entry.start_time, entry.end_time)


def availability_repr(entry: Availability, site: Site, base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": entry.id,
        "date": entry.date.isoformat(),
        "all_day": bool_string(entry.all_day),
    }
    if not entry.all_day and entry.start_time and entry.end_time:
        day = datetime.combine(entry.date, entry.start_time)
        body["start_time"] = localized_time(day)
        body["end_time"] = localized_time(datetime.combine(entry.date, entry.end_time))
    body.update(
        {
            "description": entry.description,
            "user_id": entry.user_id,
            "lock_version": entry.lock_version,
            "created": timestamp(entry.created, site.timezone),
            "updated": timestamp(entry.updated, site.timezone),
            "_links": {
                "self": link(
                    base, f"/users/{entry.user_id}/availability/{entry.id}", "availability"
                )
            },
        }
    )
    return body


def read_availability(
    data: dict[str, Any], errors: ErrorCollector, entry: Availability | None, today: date
) -> dict[str, Any]:
    """Validated column values (a create gives all of them, an update only what changes)."""
    changes: dict[str, Any] = {}
    if entry is None or "date" in data:
        if is_blank(data.get("date")):
            errors.add("date", "can't be blank")
        else:
            day = read_date(data["date"], "date", errors, today)
            if day is not INVALID:
                changes["date"] = day
    times_sent = any(not is_blank(data.get(k)) for k in ("start_time", "end_time"))
    if "all_day" in data and not is_blank(data["all_day"]):
        all_day = read_bool(data["all_day"], "all_day", errors)
    elif entry is None or times_sent:
        all_day = not times_sent
    else:
        all_day = entry.all_day
    if all_day is INVALID:
        return changes
    changes["all_day"] = all_day
    if all_day:
        changes["start_time"] = changes["end_time"] = None
    else:
        start = _time(data, "start_time", entry, errors)
        end = _time(data, "end_time", entry, errors)
        if start is not INVALID and end is not INVALID:
            if end <= start:
                errors.add("end_time", "is invalid")  # must be after start_time (§4.5 vocabulary)
            else:
                changes["start_time"], changes["end_time"] = start, end
    if "description" in data:
        description = read_str(data["description"], "description", errors, 255)
        if description is not INVALID:
            changes["description"] = description
    return changes


def _time(
    data: dict[str, Any], field: str, entry: Availability | None, errors: ErrorCollector
) -> Any:
    if is_blank(data.get(field)):
        current = getattr(entry, field) if entry is not None else None
        if current is None:
            errors.add(field, "can't be blank")
            return INVALID
        return current
    return read_time(data[field], field, errors)
