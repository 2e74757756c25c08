"""Availability wire format (contract §17.2): string booleans, localized times."""

from __future__ import annotations

from datetime import date as Day
from datetime import datetime, time
from typing import TYPE_CHECKING, Any, Protocol

from refdesk.server.api.hal import api_url, link
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import bool_string, localized_time, timestamp

if TYPE_CHECKING:
    from refdesk.server.availability.recurring import WeeklyResult


class AvailabilityLike(Protocol):
    """What the representation reads: an ``Availability`` or a row of its columns."""

    @property
    def id(self) -> int: ...
    @property
    def user_id(self) -> int: ...
    @property
    def date(self) -> Day: ...
    @property
    def all_day(self) -> bool: ...
    @property
    def start_time(self) -> time | None: ...
    @property
    def end_time(self) -> time | None: ...
    @property
    def description(self) -> str: ...
    @property
    def created(self) -> datetime: ...
    @property
    def updated(self) -> datetime: ...
    @property
    def lock_version(self) -> int: ...


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


def default_description(entry: AvailabilityLike) -> str:
    return describe(entry.all_day, entry.start_time, entry.end_time)


def availability_repr(entry: AvailabilityLike, site: Site, base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": entry.id,
        "date": entry.date.isoformat(),
        "all_day": bool_string(entry.all_day),
    }
    if not entry.all_day and entry.start_time and entry.end_time:
        body["start_time"] = localized_time(entry.start_time)
        body["end_time"] = localized_time(entry.end_time)
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


def weekly_repr(result: WeeklyResult, base: str) -> dict[str, Any]:
    """The answer to a weekly apply: the counts, the range, ``_links.self`` = the list of the
    range, and ``_embedded.availability`` = the entries of the pattern's dates afterwards."""
    user_id = result.user.id
    query = {
        "search[start_date]": result.start.isoformat(),
        "search[end_date]": result.until.isoformat(),
    }
    return {
        "user_id": user_id,
        "start_date": result.start.isoformat(),
        "end_date": result.until.isoformat(),
        "created": result.created,
        "deleted": result.deleted,
        "kept": result.kept,
        "_links": {"self": {"href": api_url(base, f"/users/{user_id}/availability", query)}},
        "_embedded": {
            "availability": [availability_repr(e, result.member.site, base) for e in result.entries]
        },
    }
