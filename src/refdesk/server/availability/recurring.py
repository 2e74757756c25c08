"""Applying a weekly pattern to one official's availability (refdesk extension).

The pattern is expanded by :mod:`.weekly` and written through the single-entry paths of
:mod:`.service` (``add_entry``, ``remove_entry``, ``describe_entry``), so the rules are the
single writes' (who may write, officials only) and every entry created, changed or deleted
records its own ``availability.changed`` event (§19.1). The whole apply runs in the caller's
transaction: all of it is written or none.

Per matching date, with ``available`` true:

* ``replace`` (default): afterwards the date holds exactly the pattern's entry. An existing
  entry with the same times (or all day) is kept, and only its description follows a
  description sent; every other entry of the date is deleted.
* ``merge``: the pattern's entry is added unless an entry with the same times exists; other
  entries of the date stay.

With ``available`` false (all day only), every entry of the date is deleted: no entry means
not available (§17.2). Dates outside the pattern's weekdays are never touched. Applying the
same pattern twice changes nothing the second time (no write, no event).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.availability import service
from refdesk.server.availability.models import Availability
from refdesk.server.availability.schemas import WeeklyWrite
from refdesk.server.availability.weekly import DayEntry, PatternError, WeeklyPattern, expand
from refdesk.server.days import day_of
from refdesk.server.errors import ValidationFailed
from refdesk.server.sites.access import Membership
from refdesk.server.sites.rules import site_today
from refdesk.server.users.models import User


@dataclass(frozen=True)
class WeeklyResult:
    """The entries of the pattern's dates after the apply (date order) and what changed."""

    user: User
    member: Membership
    start: date
    until: date
    entries: list[Availability]
    created: int
    deleted: int
    kept: int


def _pattern(write: WeeklyWrite, today: date) -> WeeklyPattern:
    if write.start_date is None or write.end_date is None:  # parse recorded the problem
        raise ValidationFailed({"start_date": ["can't be blank"]})
    window = None
    if not write.all_day and write.start_time is not None and write.end_time is not None:
        window = (write.start_time, write.end_time)
    return WeeklyPattern.of(
        write.days,
        day_of(write.start_date, today),
        day_of(write.end_date, today),
        available=write.available,
        window=window,
    )


def _same_times(entry: Availability, day: DayEntry) -> bool:
    if day.all_day:
        return entry.all_day
    return not entry.all_day and (entry.start_time, entry.end_time) == (
        day.start_time,
        day.end_time,
    )


async def apply_weekly(
    session: AsyncSession, principal: Principal, user_id: int, write: WeeklyWrite
) -> WeeklyResult:
    """Check (404, 402, 403, officials only, then the body's 422), expand, write."""
    user, member = await service.writable_official(session, principal, user_id, for_update=True)
    write.raise_if_invalid()
    pattern = _pattern(write, site_today(member.site).date())
    try:
        days = expand(pattern)
    except PatternError as problem:
        raise ValidationFailed({problem.field: [problem.message]}) from None
    rows = await session.scalars(
        select(Availability)
        .where(
            Availability.user_id == user.id,
            Availability.date >= pattern.start,
            Availability.date <= pattern.until,
        )
        .order_by(Availability.date, Availability.id)
    )
    by_date: dict[date, list[Availability]] = {}
    for row in rows:
        by_date.setdefault(row.date, []).append(row)
    entries: list[Availability] = []
    created = deleted = kept = 0
    for day in days:
        current = by_date.get(day.date, [])
        match = next((e for e in current if _same_times(e, day)), None) if day.available else None
        for entry in current:
            if entry is match:
                continue
            if not day.available or write.mode == "replace":
                await service.remove_entry(session, principal, member, entry)
                deleted += 1
            else:
                entries.append(entry)
        if not day.available:
            continue
        if match is None:
            values = {
                "date": day.date,
                "all_day": day.all_day,
                "start_time": day.start_time,
                "end_time": day.end_time,
                "description": write.description,
            }
            entries.append(await service.add_entry(session, principal, member, user, values))
            created += 1
        else:
            if write.description and match.description != write.description:
                await service.describe_entry(session, principal, member, match, write.description)
            kept += 1
            entries.append(match)
    entries.sort(key=lambda e: (e.date, not e.all_day, e.start_time or time.min, e.id))
    return WeeklyResult(user, member, pattern.start, pattern.until, entries, created, deleted, kept)
