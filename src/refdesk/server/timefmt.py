"""Output encodings of contract §11: timestamps with the site's offset, localized strings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import orjson

# ".000" to ".999": a timestamp's milliseconds, by value.
_MILLIS = tuple(f".{n:03d}" for n in range(1000))
_OMIT_MICROSECONDS = orjson.OPT_OMIT_MICROSECONDS
# Every minute of a day as ``localized_time`` writes it, by hour * 60 + minute.
_CLOCKS = tuple(
    f"{hour % 12 or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    for hour in range(24)
    for minute in range(60)
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# Files of the zoneinfo directory that are no IANA zone: the host's own zone (a link to
# /etc/localtime, different on every machine) and tzdata's "Factory" placeholder ("-00").
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - NOT_ZONES


def is_valid_zone(name: str) -> bool:
    return name in known_zones() or name == "UTC"


def timestamp(value: datetime | None, tz: str) -> str | None:
    """``2026-10-11T09:00:00.000-04:00``: milliseconds, numeric offset, never ``Z``."""
    if value is None:
        return None
    try:
        local = value.astimezone(zone(tz))
    except OverflowError:  # the zone's clock would leave the calendar: write it in UTC
        return value.astimezone(UTC).isoformat(timespec="milliseconds")
    offset = local.utcoffset()
    if offset is not None and offset.seconds % 60 == 0 and not offset.microseconds:
        # Whole-minute offsets (nearly every zone after 1900): ``local.isoformat(timespec=
        # "milliseconds")``, put together from orjson's C form ``"YYYY-MM-DDTHH:MM:SS+hh:mm"``
        # and the milliseconds: 2.8 µs instead of 4.4 (a month's page writes 430 of them).
        text = orjson.dumps(local, option=_OMIT_MICROSECONDS).decode()
        return text[1:20] + _MILLIS[local.microsecond // 1000] + text[20:26]
    # Local mean time (e.g. -04:56:02 in New York before 1883, +00:19:32 in Amsterdam until
    # 1937) has no ±hh:mm form: round the offset to the minute and write the clock of that
    # offset, so that the text still names exactly the stored instant.
    seconds = offset.total_seconds() if offset is not None else 0.0
    rounded = timedelta(minutes=round(seconds / 60))
    return value.astimezone(timezone(rounded)).isoformat(timespec="milliseconds")


def localized_date(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.day} {value.year}"


def localized_time(value: datetime | time) -> str:
    """``9:00 AM``, ``12:30 PM``: the clock of a local time (of day)."""
    return _CLOCKS[value.hour * 60 + value.minute]


def plain_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def bool_string(value: bool) -> str:
    return "true" if value else "false"
