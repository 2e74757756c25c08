"""When a game is: start from the date/time inputs in the site's zone, end from the explicit end
or the age group's length (contract §16.3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from refdesk.server.days import RelativeDay, day_of
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID
from refdesk.server.games.days import on_calendar
from refdesk.server.games.schemas import END_TIME, GameWrite
from refdesk.server.inputs import UNSET, Unset
from refdesk.server.timefmt import zone


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(zone(tz))


def to_utc(day: date, clock: time, tz: str) -> datetime:
    """A local wall-clock time in ``tz`` as a UTC instant (fold=0 on repeated hours)."""
    return datetime.combine(day, clock, tzinfo=zone(tz)).astimezone(UTC)


def start_of(
    inp: GameWrite,
    errors: ErrorCollector,
    tz: str,
    current: datetime | None,
    today: date,
) -> datetime | Any | None:
    """The new start instant, ``None`` when no date/time field was sent, or INVALID (the
    parse problems are already in ``errors``; this adds what needs the site and the game)."""
    if isinstance(inp.date_time, datetime):
        moment = inp.date_time
        if moment.tzinfo is None:
            return to_utc(moment.date(), moment.time(), tz)
        return moment
    if inp.failed("date_time"):
        return INVALID
    date_sent = inp.localized_date is not UNSET or inp.failed("localized_date")
    time_sent = inp.localized_time is not UNSET or inp.failed("localized_time")
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
        day = _day(inp, errors, today)
    if time_sent or current is None:
        if inp.failed("localized_time"):
            clock = INVALID
        elif isinstance(inp.localized_time, time):
            clock = inp.localized_time
        else:
            errors.add("localized_time", "can't be blank")
            clock = INVALID
    if day is INVALID or clock is INVALID:
        return INVALID
    return to_utc(day, clock, tz)


def _day(inp: GameWrite, errors: ErrorCollector, today: date) -> date | Any:
    if inp.failed("localized_date"):
        return INVALID
    value = inp.localized_date
    if value is None or value is UNSET:
        errors.add("localized_date", "can't be blank")
        return INVALID
    assert not isinstance(value, Unset)
    day = day_of(value, today)
    if isinstance(value, RelativeDay) and not on_calendar(day, "localized_date", errors):
        return INVALID
    return day


def explicit_end(
    inp: GameWrite,
    errors: ErrorCollector,
    start: datetime,
    tz: str,
    current: datetime | None,
) -> datetime | Any | None:
    """``user_end_time_formatted``: a time on the game date; earlier than the start means the
    next day; equal is 422. Returns the explicit end, None for none, or INVALID."""
    value = inp.user_end_time_formatted
    if inp.failed(END_TIME):
        return INVALID
    if value is UNSET:
        if current is None:
            return None
        # Keep the same local end clock relative to a possibly moved start.
        kept = local(current, tz).time().replace(tzinfo=None)
        return _end_on(start, kept, tz)
    if value is None:
        return None
    assert not isinstance(value, Unset)
    if value == local(start, tz).time().replace(tzinfo=None):
        errors.add(END_TIME, "is invalid")
        return INVALID
    return _end_on(start, value, tz)


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
