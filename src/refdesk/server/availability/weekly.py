"""Weekly recurring availability, expanded (pure: no database, no clock).

A pattern names weekdays, a date range (both ends inclusive, at most :data:`MAX_DAYS` days)
and either the whole day or a time window, available or not. :func:`expand` gives one
:class:`DayEntry` per matching date. Times are wall-clock times of the site's zone, exactly as
availability entries store them (contract §17.2), so a daylight-saving change never moves a
window: ``8 AM - 2 PM`` stays ``8 AM - 2 PM`` on both sides of it. :meth:`DayEntry.interval`
gives the real instants in a zone (a window crossing a skipped hour is shorter, an all-day entry
on a change day lasts 23 or 25 hours)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_DAYS = 366  # a year, leap years included


def parse_weekday(text: str) -> int | None:
    """``sat``, ``Saturday``, ``SAT`` -> 5 (``date.weekday()``); anything else -> None."""
    name = text.strip().lower()
    if name in WEEKDAYS:
        return WEEKDAYS.index(name)
    if name in FULL_NAMES:
        return FULL_NAMES.index(name)
    return None


class PatternError(ValueError):
    """A pattern that cannot be expanded; ``field`` names the part at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class DayEntry:
    """One date of an expanded pattern: all day (no times) or a window."""

    date: date
    available: bool = True
    start_time: time | None = None
    end_time: time | None = None

    @property
    def all_day(self) -> bool:
        return self.start_time is None or self.end_time is None

    def interval(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The entry's start and end as aware instants in ``zone``; all day runs from midnight
        to the next midnight. A wall time in a skipped hour takes the offset before the change
        (``fold=0``)."""
        if self.start_time is None or self.end_time is None:
            start = datetime.combine(self.date, time(0), tzinfo=zone)
            return start, datetime.combine(self.date + timedelta(days=1), time(0), tzinfo=zone)
        return (
            datetime.combine(self.date, self.start_time, tzinfo=zone),
            datetime.combine(self.date, self.end_time, tzinfo=zone),
        )


@dataclass(frozen=True)
class WeeklyPattern:
    """Weekdays (``date.weekday()`` numbers), ``start``..``until`` inclusive, and a window
    (``start_time`` < ``end_time``) or the whole day (both None)."""

    weekdays: frozenset[int]
    start: date
    until: date
    available: bool = True
    start_time: time | None = None
    end_time: time | None = None

    @classmethod
    def of(
        cls,
        weekdays: Iterable[int],
        start: date,
        until: date,
        *,
        available: bool = True,
        window: tuple[time, time] | None = None,
    ) -> WeeklyPattern:
        start_time, end_time = window if window is not None else (None, None)
        return cls(frozenset(weekdays), start, until, available, start_time, end_time)

    @property
    def all_day(self) -> bool:
        return self.start_time is None or self.end_time is None

    def check(self) -> None:
        """Raise :class:`PatternError` for the first part that makes the pattern unusable."""
        if not self.weekdays:
            raise PatternError("days", "can't be blank")
        if any(not 0 <= day <= 6 for day in self.weekdays):
            raise PatternError("days", "is invalid")
        if (self.start_time is None) != (self.end_time is None):
            raise PatternError("end_time", "can't be blank")
        if (
            self.start_time is not None
            and self.end_time is not None
            and (self.end_time <= self.start_time)
        ):
            raise PatternError("end_time", "is invalid")
        if self.until < self.start:
            raise PatternError("end_date", "is invalid")
        if (self.until - self.start).days + 1 > MAX_DAYS:
            raise PatternError("end_date", "is invalid")


def expand(pattern: WeeklyPattern) -> list[DayEntry]:
    """Every date from ``start`` to ``until`` (inclusive) on one of the weekdays, in order."""
    pattern.check()
    entries = []
    day = pattern.start
    while day <= pattern.until:
        if day.weekday() in pattern.weekdays:
            entries.append(DayEntry(day, pattern.available, pattern.start_time, pattern.end_time))
        day += timedelta(days=1)
    return entries
