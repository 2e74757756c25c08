"""Typed inputs of availability (contract §17.2): an entry's create or partial update, and
the list query. Parsing never raises and needs neither the database nor the site: a relative
date (``today``, ``tomorrow``, ``yesterday``) stays relative until the service resolves it
in the site's time zone, and the rules that need the stored entry (a time not sent falls back
to the entry's, ``end_time`` after ``start_time``) are the service's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from refdesk.server.availability.weekly import parse_weekday
from refdesk.server.days import Day, read_day, read_day_or_none
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import (
    INVALID,
    is_blank,
    read_bool,
    read_lock_version,
    read_str,
    read_time,
)
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageRequest, parse_page

MAX_LIMIT = 200
FILTERS = ("search[start_date]", "search[end_date]")
TIMES = ("start_time", "end_time")


@dataclass(frozen=True, kw_only=True)
class AvailabilityWrite(Input):
    """``UNSET``: not sent. ``all_day`` not sent is true on create unless times are sent
    (then false), and the entry's on update; times not sent keep the entry's. A blank or
    missing ``description`` on create is generated (``all day``, ``8a-11a``)."""

    date: Day | Unset = UNSET
    all_day: bool | Unset = UNSET
    start_time: time | Unset = UNSET
    end_time: time | Unset = UNSET
    description: str | Unset | None = UNSET
    lock_version: int | None = None


AVAILABILITY_BODY = Body(
    "Availability",
    (
        Field("date", "date", "Required on create; §11.4 forms, today/tomorrow/yesterday"),
        Field("all_day", "boolean", "Default: true unless start_time/end_time are sent"),
        Field("start_time", "time", "Required when not all day"),
        Field("end_time", "time", "Required when not all day; after start_time"),
        Field("description", max_length=255, description="Default: generated from the times"),
        Field("lock_version", "integer", "Optimistic lock (§12); compared on update"),
    ),
    root="availability",
)


def parse_availability(data: dict[str, Any]) -> AvailabilityWrite:
    """The rows of :data:`AVAILABILITY_BODY`; an invalid ``all_day`` stops the reading (the
    times and the description depend on it)."""
    errors = ErrorCollector()
    # Read first: an update compares it before anything else (and a create ignores it).
    values: dict[str, Any] = {"lock_version": read_lock_version(data, errors)}
    if "date" in data:
        if is_blank(data["date"]):
            errors.add("date", "can't be blank")
        elif (day := read_day(data["date"], "date", errors)) is not INVALID:
            values["date"] = day
    times_sent = any(not is_blank(data.get(k)) for k in TIMES)
    if "all_day" in data and not is_blank(data["all_day"]):
        all_day = read_bool(data["all_day"], "all_day", errors)
        if all_day is not INVALID:
            values["all_day"] = all_day
    elif times_sent:
        values["all_day"] = False
    if errors.errors.get("all_day"):
        return AvailabilityWrite(**values, problems=problems_of(errors))
    if values.get("all_day") is not True:
        for field in TIMES:
            if not is_blank(data.get(field)):
                value = read_time(data[field], field, errors)
                if value is not INVALID:
                    values[field] = value
    if "description" in data:
        description = read_str(data["description"], "description", errors, 255)
        if description is not INVALID:
            values["description"] = description
    return AvailabilityWrite(**values, problems=problems_of(errors))


@dataclass(frozen=True, kw_only=True)
class AvailabilityQuery(Input):
    """A page (default and maximum size 200) and an optional date range."""

    page: PageRequest
    start_date: Day | None = None
    end_date: Day | None = None


def parse_availability_query(query: dict[str, Any]) -> AvailabilityQuery:
    errors = ErrorCollector()
    page = parse_page(query, errors, default_limit=MAX_LIMIT, max_limit=MAX_LIMIT)
    days: dict[str, Any] = {}
    search = query.get("search")
    if isinstance(search, dict):
        for key in ("start_date", "end_date"):
            value = search.get(key)
            if not is_blank(value):
                day = read_day(value, f"search[{key}]", errors)
                if day is not INVALID:
                    days[key] = day
    return AvailabilityQuery(page=page, **days, problems=problems_of(errors))


MODES = ("replace", "merge")


@dataclass(frozen=True, kw_only=True)
class WeeklyWrite(Input):
    """A weekly pattern to apply (refdesk extension): ``days`` as ``date.weekday()`` numbers;
    ``start_date``..``end_date`` inclusive; all day unless times are sent; ``available``
    false clears the days (all day only); ``mode`` ``replace`` (default) or ``merge``."""

    days: frozenset[int] = frozenset()
    start_date: Day | None = None
    end_date: Day | None = None
    all_day: bool = True
    start_time: time | None = None
    end_time: time | None = None
    available: bool = True
    mode: str = "replace"
    description: str | None = None


WEEKLY_BODY = Body(
    "Weekly availability",
    (
        Field(
            "days",
            "array",
            "Weekdays: mon..sun or monday..sunday (any case); also one comma-separated string",
            required=True,
            items={"type": "string"},
        ),
        Field("start_date", "date", "First date (§11.4 forms, today/tomorrow)", required=True),
        Field("end_date", "date", "Last date, inclusive; at most 366 days", required=True),
        Field("all_day", "boolean", "Default: true unless start_time/end_time are sent"),
        Field("start_time", "time", "Site-local wall time; required when not all day"),
        Field("end_time", "time", "Required when not all day; after start_time"),
        Field("available", "boolean", "Default true; false clears the days (all day only)"),
        Field(
            "mode",
            description="replace (default): the day holds only the pattern's "
            "entry; merge: other entries of the day are kept",
            enum=MODES,
        ),
        Field("description", max_length=255, description="Default: generated from the times"),
    ),
    root="weekly",
)


def _read_days(value: Any, errors: ErrorCollector) -> frozenset[int]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or all(is_blank(item) for item in items):
        errors.add("days", "can't be blank" if is_blank(value) or items == [] else "is invalid")
        return frozenset()
    found = set()
    for item in items:
        day = parse_weekday(item) if isinstance(item, str) else None
        if day is None:
            errors.add("days", "is not included in the list")
            return frozenset()
        found.add(day)
    return frozenset(found)


def parse_weekly(data: dict[str, Any]) -> WeeklyWrite:
    """The rows of :data:`WEEKLY_BODY`, in order; the pattern's own rules (end after start,
    the span) are checked by :mod:`.weekly` in the service."""
    errors = ErrorCollector()
    values: dict[str, Any] = {"days": _read_days(data.get("days"), errors)}
    for key in ("start_date", "end_date"):
        if is_blank(data.get(key)):
            errors.add(key, "can't be blank")
        else:
            values[key] = read_day_or_none(data[key], key, errors)
    times_sent = any(not is_blank(data.get(k)) for k in TIMES)
    all_day: Any = not times_sent
    if not is_blank(data.get("all_day")):
        all_day = read_bool(data["all_day"], "all_day", errors)
    if all_day is not INVALID:
        values["all_day"] = all_day
        if all_day is False:
            for field in TIMES:
                value = data.get(field)
                if is_blank(value):
                    errors.add(field, "can't be blank")
                elif (read := read_time(value, field, errors)) is not INVALID:
                    values[field] = read
    if not is_blank(data.get("available")):
        available = read_bool(data["available"], "available", errors)
        if available is not INVALID:
            values["available"] = available
            if available is False and all_day is False:
                errors.add("available", "is invalid")  # a partly unavailable day: not a thing
    if not is_blank(data.get("mode")):
        mode = data["mode"]
        if mode in MODES:
            values["mode"] = mode
        else:
            errors.add("mode", "is not included in the list")
    if "description" in data:
        description = read_str(data["description"], "description", errors, 255)
        if description is not INVALID:
            values["description"] = description
    return WeeklyWrite(**values, problems=problems_of(errors))
