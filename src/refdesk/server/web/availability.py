"""What the availability page shows: one month of an official's availability entries as a
calendar (weeks from Monday) in the site's time zone.

The entries come from the service behind ``GET /api/v2/users/{id}/availability``
(``availability.service.list_entries``) with the same typed input the API parses, limited to
the month's dates. Entries store site-local dates and wall-clock times (contract §17.2), so an
entry is shown on its own date, and "today" is the site's today, not the server's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.availability import service
from refdesk.server.availability.models import Availability
from refdesk.server.availability.representation import default_description
from refdesk.server.availability.schemas import MAX_LIMIT, parse_availability_query
from refdesk.server.timefmt import localized_time
from refdesk.server.web.home import MONTHS, WEEKDAYS, day_label

MONTH_PARAM = re.compile(r"([0-9]{4})-([0-9]{2})")
# The calendar's range: far enough for any season, near enough that prev/next never leave
# the calendar (``date`` stops at year 9999).
FIRST_YEAR, LAST_YEAR = 1900, 2200


def month_param(first: date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


def month_title(first: date) -> str:
    return f"{MONTHS[first.month - 1]} {first.year}"


def month_or_none(value: str | None) -> date | None:
    """The first day of the month ``YYYY-MM`` (ASCII digits, within the calendar's range),
    else None."""
    match = MONTH_PARAM.fullmatch(value.strip()) if value else None
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return date(year, month, 1)
    return None


def parse_month(value: str | None, today: date) -> date:
    """The first day of ``YYYY-MM``; anything else (absent, malformed, out of range) gives
    the month of ``today``."""
    return month_or_none(value) or today.replace(day=1)


def add_months(first: date, count: int) -> date:
    index = first.year * 12 + first.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)


def span_text(all_day: bool, start: time | None, end: time | None) -> str:
    """``all day`` or ``8:00 AM – 2:00 PM`` (the site's wall-clock times)."""
    if all_day or start is None or end is None:
        return "all day"
    day = date(2000, 1, 1)
    first = localized_time(datetime.combine(day, start))
    return f"{first} – {localized_time(datetime.combine(day, end))}"


@dataclass(frozen=True)
class EntryLine:
    id: int
    text: str  # "Available all day", "Available 8:00 AM – 2:00 PM"
    note: str | None  # the official's own description, when it is not the generated one


@dataclass(frozen=True)
class CalendarDay:
    day: date
    label: str  # "Saturday 5 December 2026" ("Today, …" on the site's today)
    weekday: str  # "Sat"
    today: bool
    entries: list[EntryLine]


@dataclass(frozen=True)
class Month:
    first: date
    title: str
    param: str
    prev: tuple[str, str] | None  # (param, title) of the previous month, within range
    next: tuple[str, str] | None
    today: date
    weeks: list[list[CalendarDay | None]]  # Monday..Sunday; None outside the month

    @property
    def entry_count(self) -> int:
        return sum(len(d.entries) for week in self.weeks for d in week if d is not None)


def entry_line(entry: Availability) -> EntryLine:
    note = entry.description if entry.description != default_description(entry) else None
    return EntryLine(
        entry.id,
        f"Available {span_text(entry.all_day, entry.start_time, entry.end_time)}",
        note or None,
    )


def weeks_of(
    first: date, today: date, entries: list[Availability]
) -> list[list[CalendarDay | None]]:
    by_date: dict[date, list[EntryLine]] = {}
    for entry in entries:
        by_date.setdefault(entry.date, []).append(entry_line(entry))
    weeks: list[list[CalendarDay | None]] = []
    week: list[CalendarDay | None] = [None] * first.weekday()
    day, last = first, month_end(first)
    while day <= last:
        week.append(
            CalendarDay(
                day,
                day_label(day, today),
                WEEKDAYS[day.weekday()][:3],
                day == today,
                by_date.get(day, []),
            )
        )
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += timedelta(days=1)
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks


async def month_entries(
    session: AsyncSession, principal: Principal, user_id: int, first: date
) -> list[Availability]:
    """Every entry of the month, page by page (the API's page size is at most 200)."""
    found: list[Availability] = []
    number = 1
    while True:
        query = parse_availability_query(
            {
                "search": {
                    "start_date": first.isoformat(),
                    "end_date": month_end(first).isoformat(),
                },
                "page": str(number),
                "limit": str(MAX_LIMIT),
            }
        )
        _, _, entries, total, _ = await service.list_entries(session, principal, user_id, query)
        found.extend(entries)
        if not entries or len(found) >= total:
            return found
        number += 1


def _neighbour(first: date, count: int) -> tuple[str, str] | None:
    other = add_months(first, count)
    if not FIRST_YEAR <= other.year <= LAST_YEAR:
        return None
    return month_param(other), month_title(other)


async def month_view(
    session: AsyncSession, principal: Principal, user_id: int, first: date, today: date
) -> Month:
    """The calendar of the month starting ``first`` for the official ``user_id``."""
    entries = await month_entries(session, principal, user_id, first)
    return Month(
        first=first,
        title=month_title(first),
        param=month_param(first),
        prev=_neighbour(first, -1),
        next=_neighbour(first, 1),
        today=today,
        weeks=weeks_of(first, today, entries),
    )
