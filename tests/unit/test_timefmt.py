"""``timestamp`` builds its text from orjson's form of the local time (issue 15); it must write
exactly what ``datetime.isoformat`` writes, in every zone, for any instant."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta, timezone

from refdesk.server.timefmt import known_zones, localized_time, timestamp, zone


def reference(value: datetime, tz: str) -> str:
    """The contract's form written the plain way (the implementation before issue 15)."""
    try:
        local = value.astimezone(zone(tz))
    except OverflowError:
        return value.astimezone(UTC).isoformat(timespec="milliseconds")
    offset = local.utcoffset()
    assert offset is not None
    if offset.seconds % 60 == 0 and not offset.microseconds:
        return local.isoformat(timespec="milliseconds")
    rounded = timedelta(minutes=round(offset.total_seconds() / 60))
    return value.astimezone(timezone(rounded)).isoformat(timespec="milliseconds")


def instants(rng: random.Random) -> list[datetime]:
    first = datetime(1, 1, 1, tzinfo=UTC)
    span = (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - first).total_seconds()
    found = [first, datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)]
    found += [first + timedelta(seconds=rng.uniform(0, span)) for _ in range(12)]
    # Mostly the years games are played in, where zones change their clocks.
    recent = datetime(1850, 1, 1, tzinfo=UTC)
    found += [
        recent
        + timedelta(
            seconds=rng.uniform(0, 250 * 365 * 86400),
            microseconds=rng.choice([0, 999, 1000, 123456, 999999]),
        )
        for _ in range(30)
    ]
    return found


def test_every_zone_writes_what_isoformat_writes() -> None:
    rng = random.Random(15)
    checked = 0
    for tz in [*sorted(known_zones()), "UTC"]:
        for value in instants(rng):
            assert timestamp(value, tz) == reference(value, tz), (value, tz)
            checked += 1
    assert checked > 20_000


def test_around_a_daylight_saving_change() -> None:
    # New York left daylight saving time at 06:00 UTC on 2026-11-01.
    change = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    for minutes in range(-90, 91, 7):
        value = change + timedelta(minutes=minutes, microseconds=4321)
        assert timestamp(value, "America/New_York") == reference(value, "America/New_York")
    assert timestamp(change - timedelta(microseconds=1), "America/New_York") == (
        "2026-11-01T01:59:59.999-04:00"
    )
    assert timestamp(change, "America/New_York") == "2026-11-01T01:00:00.000-05:00"


def test_local_mean_time_and_the_calendars_edges() -> None:
    # Amsterdam kept +00:19:32 until 1937: rounded to the minute, the clock of that offset.
    assert timestamp(datetime(1930, 5, 1, 12, tzinfo=UTC), "Europe/Amsterdam") == (
        "1930-05-01T12:20:00.000+00:20"
    )
    # The first instant has no earlier local clock in New York: written in UTC.
    assert timestamp(datetime(1, 1, 1, tzinfo=UTC), "America/New_York") == (
        "0001-01-01T00:00:00.000+00:00"
    )
    assert timestamp(datetime(899, 12, 31, 23, 59, 59, 999000, tzinfo=UTC), "Asia/Kolkata") == (
        reference(datetime(899, 12, 31, 23, 59, 59, 999000, tzinfo=UTC), "Asia/Kolkata")
    )
    assert timestamp(None, "UTC") is None


def test_localized_time_of_every_minute() -> None:
    for hour in range(24):
        for minute in range(60):
            clock = time(hour, minute, 59)
            twelve = hour % 12 or 12
            half = "AM" if hour < 12 else "PM"
            assert localized_time(clock) == f"{twelve}:{minute:02d} {half}"
            on_a_day = datetime(2026, 3, 8, hour, minute, tzinfo=UTC)
            assert localized_time(on_a_day) == localized_time(clock)
    assert localized_time(time(0, 5)) == "12:05 AM"
    assert localized_time(time(12, 0)) == "12:00 PM"
    assert localized_time(time(23, 59)) == "11:59 PM"
