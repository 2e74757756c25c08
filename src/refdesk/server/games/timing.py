"""When a game is: start from the date/time inputs in the site's zone, end from the explicit end
or the age group's length (contract §16.3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, is_blank, parse_time, read_date, read_time
from refdesk.server.timefmt import zone

# The calendar a game may be on (dates as written, in any zone). Before 1900 most zones ran
# on local mean time, whose offsets are not whole minutes; the upper end keeps three days
# to spare, so that an end up to a day later, shown in any zone (up to ±15 hours), and the
# list filters' day of margin all stay inside the year 9999.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(9999, 12, 28)


def on_calendar(day: date, field: str, errors: ErrorCollector) -> bool:
    if EARLIEST_DAY <= day <= LATEST_DAY:
        return True
    errors.add(field, "is not a valid date")
    return False


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(zone(tz))


def to_utc(day: date, clock: time, tz: str) -> datetime:
    """A local wall-clock time in ``tz`` as a UTC instant (fold=0 on repeated hours)."""
    return datetime.combine(day, clock, tzinfo=zone(tz)).astimezone(UTC)


def read_start(
    data: dict[str, Any],
    errors: ErrorCollector,
    tz: str,
    current: datetime | None,
    today: date,
) -> datetime | Any | None:
    """The new start instant, ``None`` when no date/time field was sent, or INVALID."""
    if not is_blank(data.get("date_time")):
        raw = data["date_time"]
        if isinstance(raw, str):
            try:
                parsed = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
            except ValueError:
                parsed = None
            if parsed is not None:
                if not on_calendar(parsed.date(), "date_time", errors):
                    return INVALID
                if parsed.tzinfo is None:
                    return to_utc(parsed.date(), parsed.time().replace(second=0, microsecond=0), tz)
                return parsed.replace(second=0, microsecond=0).astimezone(UTC)
        errors.add("date_time", "is not a valid date")
        return INVALID
    date_sent = "localized_date" in data
    time_sent = "localized_time" in data
    if not date_sent and not time_sent:
        if current is None:
            errors.add("localized_date", "can't be blank")
            errors.add("localized_time", "can't be blank")
            return INVALID
        return None
    current_local = local(current, tz) if current is not None else None
    day: Any = current_local.date() if current_local else None
    clock: Any = current_local.time().replace(tzinfo=None) if current_local else None
    if date_sent or current is None:
        if is_blank(data.get("localized_date")):
            errors.add("localized_date", "can't be blank")
            day = INVALID
        else:
            day = read_date(data["localized_date"], "localized_date", errors, today)
            if day is not INVALID and not on_calendar(day, "localized_date", errors):
                day = INVALID
    if time_sent or current is None:
        if is_blank(data.get("localized_time")):
            errors.add("localized_time", "can't be blank")
            clock = INVALID
        else:
            clock = read_time(data["localized_time"], "localized_time", errors)
    if day is INVALID or clock is INVALID:
        return INVALID
    return to_utc(day, clock, tz)


def read_explicit_end(
    data: dict[str, Any],
    errors: ErrorCollector,
    start: datetime,
    tz: str,
    current: datetime | None,
) -> datetime | Any | None:
    """``user_end_time_formatted``: a time on the game date; earlier than the start means the
    next day; equal is 422. Returns the explicit end, None for none, or INVALID."""
    key = "user_end_time_formatted"
    if key not in data:
        if current is None:
            return None
        # Keep the same local end clock relative to a possibly moved start.
        kept = local(current, tz).time().replace(tzinfo=None)
        return _end_on(start, kept, tz)
    if is_blank(data[key]):
        return None
    clock = parse_time(data[key]) if isinstance(data[key], str) else None
    if clock is None:
        errors.add(key, "is not a valid time")
        return INVALID
    if clock == local(start, tz).time().replace(tzinfo=None):
        errors.add(key, "is invalid")
        return INVALID
    return _end_on(start, clock, tz)


def _end_on(start: datetime, clock: time, tz: str) -> datetime:
    start_local = local(start, tz)
    end = to_utc(start_local.date(), clock, tz)
    if end <= start:
        end = to_utc(start_local.date() + timedelta(days=1), clock, tz)
    return end


def computed_end(start: datetime, explicit: datetime | None, game_length: int) -> datetime | None:
    if explicit is not None:
        return explicit
    if game_length <= 0:
        return None
    return start + timedelta(minutes=game_length)
