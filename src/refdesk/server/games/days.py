"""Days of a game's calendar: the range a game may be on and the relative days of §11.4
(``today``/``tomorrow``/``yesterday``), which stay relative until the site's calendar is known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import read_date

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


@dataclass(frozen=True)
class RelativeDay:
    """``today`` (0), ``tomorrow`` (1) or ``yesterday`` (-1): a day of the site's calendar."""

    offset: int

    def on(self, today: date) -> date:
        return today + timedelta(days=self.offset)


Day = date | RelativeDay
RELATIVE = {"today": 0, "tomorrow": 1, "yesterday": -1}


def read_day(value: Any, field: str, errors: ErrorCollector) -> Day | Any:
    """A date of §11.4, a :class:`RelativeDay`, or INVALID (problem recorded)."""
    if isinstance(value, str) and value.strip().lower() in RELATIVE:
        return RelativeDay(RELATIVE[value.strip().lower()])
    return read_date(value, field, errors)


def day_of(value: Day, today: date) -> date:
    return value.on(today) if isinstance(value, RelativeDay) else value
