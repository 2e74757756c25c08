"""Output encodings of contract §11: timestamps with the site's offset, localized strings."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_zone(name: str) -> bool:
    return name in known_zones() or name == "UTC"


def timestamp(value: datetime | None, tz: str) -> str | None:
    """``2026-10-11T09:00:00.000-04:00``: milliseconds, numeric offset, never ``Z``."""
    if value is None:
        return None
    local = value.astimezone(zone(tz))
    offset = local.utcoffset()
    if offset is not None and not offset.seconds % 60 and not offset.microseconds:
        # Whole-minute offsets (every zone since 1900): the C formatter gives this exact form.
        return local.isoformat(timespec="milliseconds")
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{local:%Y-%m-%dT%H:%M:%S}.{local.microsecond // 1000:03d}{sign}{hours:02d}:{mins:02d}"


def localized_date(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.day} {value.year}"


def localized_time(value: datetime) -> str:
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def plain_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def bool_string(value: bool) -> str:
    return "true" if value else "false"
