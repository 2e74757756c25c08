"""Days as the client sends them (contract §11.4): a date, or one of the relative words
``today``/``tomorrow``/``yesterday``, which stay relative until the service knows the site's
calendar (its today). One type and one reader for every concept's inputs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, read_date

RELATIVE: Final = {"today": 0, "tomorrow": 1, "yesterday": -1}


@dataclass(frozen=True)
class RelativeDay:
    """``today`` (0), ``tomorrow`` (1) or ``yesterday`` (-1): a day of the site's calendar."""

    offset: int

    def on(self, today: date) -> date:
        return today + timedelta(days=self.offset)


Day = date | RelativeDay


def read_day(value: Any, field: str, errors: ErrorCollector) -> Day | Any:
    """A date of §11.4, a :class:`RelativeDay`, or INVALID (problem recorded)."""
    if isinstance(value, str) and value.strip().lower() in RELATIVE:
        return RelativeDay(RELATIVE[value.strip().lower()])
    return read_date(value, field, errors)


def read_day_or_none(value: Any, field: str, errors: ErrorCollector) -> Day | None:
    """:func:`read_day` with None for an invalid day (problem recorded)."""
    day = read_day(value, field, errors)
    return None if day is INVALID else day


def day_of(value: Day, today: date) -> date:
    """The calendar day: a relative day counted from ``today`` (the site's)."""
    return value.on(today) if isinstance(value, RelativeDay) else value
