"""Days of a game's calendar: the range a game may be on. The relative days of §11.4 are
``refdesk.server.days``."""

from __future__ import annotations

from datetime import date

from refdesk.server.errors import ErrorCollector

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
