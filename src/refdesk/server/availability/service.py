"""Availability rules (contract §7.3, §17.2): officials edit their own; assignors everyone's
in the site; managers read. Writes take :class:`~.schemas.AvailabilityWrite`."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.availability.models import Availability
from refdesk.server.availability.representation import default_description, describe
from refdesk.server.availability.schemas import (
    TIMES,
    AvailabilityQuery,
    AvailabilityWrite,
)
from refdesk.server.days import day_of
from refdesk.server.db.locking import apply_changes, check_lock_version
from refdesk.server.db.paging import PrebuiltPage, page_of, prebuilt_row_page
from refdesk.server.errors import ErrorCollector, NotFound, ValidationFailed
from refdesk.server.events import topics
from refdesk.server.events.record import record
from refdesk.server.fields import INVALID
from refdesk.server.inputs import UNSET, Unset
from refdesk.server.paging import PageRequest
from refdesk.server.sites.access import Membership, check_id
from refdesk.server.sites.rules import site_today
from refdesk.server.users.models import User
from refdesk.server.users.service import is_own, load_user


async def _official(
    session: AsyncSession,
    principal: Principal,
    user_id: int,
    *,
    write: bool,
    for_update: bool = False,
) -> tuple[User, Membership]:
    user, member = await load_user(session, principal, user_id, for_update=for_update)
    own = is_own(member, user)
    if write:
        member.require(member.assignor or own, "change this user's availability")
    else:
        member.require(member.administers or own, "read this user's availability")
    return user, member


# The API's list reads plain column rows (``AvailabilityLike``), the web pages entities.
ENTRY_COLUMNS: tuple[Any, ...] = tuple(Availability.__table__.c)
ORDER = (Availability.date, Availability.all_day.desc(), Availability.start_time, Availability.id)


def _rows_page(start: bool, end: bool) -> PrebuiltPage:
    """The API's list as rows: one prebuilt statement per combination of date bounds."""
    key = (start, end)
    found = _ROWS_PAGES.get(key)
    if found is None:
        statement = select(*ENTRY_COLUMNS).where(Availability.user_id == bindparam("user_id"))
        if start:
            statement = statement.where(Availability.date >= bindparam("start_date"))
        if end:
            statement = statement.where(Availability.date <= bindparam("end_date"))
        found = _ROWS_PAGES[key] = PrebuiltPage(statement, ORDER)
    return found


_ROWS_PAGES: dict[tuple[bool, bool], PrebuiltPage] = {}


async def list_entries(
    session: AsyncSession,
    principal: Principal,
    user_id: int,
    query: AvailabilityQuery,
    *,
    rows: bool = False,
) -> tuple[User, Membership, list[Any], int, PageRequest]:
    """A page of the user's entries: ``Availability`` entities, or rows of their columns."""
    user, member = await _official(session, principal, user_id, write=False)
    query.raise_if_invalid()
    today = site_today(member.site).date()
    start = day_of(query.start_date, today) if query.start_date is not None else None
    end = day_of(query.end_date, today) if query.end_date is not None else None
    if rows:
        params: dict[str, Any] = {"user_id": user.id}
        if start is not None:
            params["start_date"] = start
        if end is not None:
            params["end_date"] = end
        prebuilt = _rows_page(start is not None, end is not None)
        entries, total = await prebuilt_row_page(session, prebuilt, params, query.page)
        return user, member, entries, total, query.page
    statement = select(Availability).where(Availability.user_id == user.id)
    if start is not None:
        statement = statement.where(Availability.date >= start)
    if end is not None:
        statement = statement.where(Availability.date <= end)
    entries, total = await page_of(session, statement, ORDER, query.page)
    return user, member, entries, total, query.page


async def load_entry(
    session: AsyncSession, principal: Principal, user_id: int, entry_id: int, *, write: bool
) -> tuple[Availability, Membership]:
    user, member = await _official(session, principal, user_id, write=write)
    check_id(entry_id)
    entry = await session.get(Availability, entry_id, with_for_update=write)
    if entry is None or entry.user_id != user.id:
        raise NotFound()
    return entry, member


def _time(
    write: AvailabilityWrite, field: str, entry: Availability | None, errors: ErrorCollector
) -> Any:
    """The time sent, else the entry's; ``INVALID`` after recording a problem."""
    problems = write.messages_of(field)
    for message in problems:
        errors.add(field, message)
    if problems:
        return INVALID
    value = getattr(write, field)
    if value is not UNSET:
        return value
    current = getattr(entry, field) if entry is not None else None
    if current is None:
        errors.add(field, "can't be blank")
        return INVALID
    return current


def checked_values(
    write: AvailabilityWrite, entry: Availability | None, today: date
) -> tuple[dict[str, Any], ErrorCollector]:
    """Column values (a create gives all of them, an update only what changes) and every
    problem, in the order of the fields (date, all_day, start_time, end_time, description)."""
    errors = ErrorCollector()
    changes: dict[str, Any] = {}
    date_problems = write.messages_of("date")
    for message in date_problems:
        errors.add("date", message)
    if not isinstance(write.date, Unset):
        changes["date"] = day_of(write.date, today)
    elif entry is None and not date_problems:
        errors.add("date", "can't be blank")
    all_day_problems = write.messages_of("all_day")
    for message in all_day_problems:
        errors.add("all_day", message)
    if all_day_problems:
        return changes, errors
    if isinstance(write.all_day, bool):
        all_day = write.all_day
    elif write.start_time is not UNSET or write.end_time is not UNSET:
        all_day = False  # times sent without all_day
    else:
        all_day = True if entry is None else entry.all_day
    changes["all_day"] = all_day
    if all_day:
        changes["start_time"] = changes["end_time"] = None
    else:
        start, end = (_time(write, field, entry, errors) for field in TIMES)
        if start is not INVALID and end is not INVALID:
            if end <= start:
                errors.add("end_time", "is invalid")  # must be after start_time (§4.5 vocabulary)
            else:
                changes["start_time"], changes["end_time"] = start, end
    for message in write.messages_of("description"):
        errors.add("description", message)
    if not isinstance(write.description, Unset):
        changes["description"] = write.description
    return changes, errors


async def create_entry(
    session: AsyncSession, principal: Principal, user_id: int, write: AvailabilityWrite
) -> tuple[Availability, Membership]:
    user, member = await writable_official(session, principal, user_id)
    values, errors = checked_values(write, None, site_today(member.site).date())
    errors.raise_if_any()
    return await add_entry(session, principal, member, user, values), member


async def writable_official(
    session: AsyncSession, principal: Principal, user_id: int, *, for_update: bool = False
) -> tuple[User, Membership]:
    """The checks of every write: 404, 402, 403 (the official or an assignor), then the user
    must be an official (422 ``base``). ``for_update`` locks the user's row (PostgreSQL)."""
    user, member = await _official(session, principal, user_id, write=True, for_update=for_update)
    if not user.official:
        raise ValidationFailed({"base": ["only officials can have availability"]})
    return user, member


async def add_entry(
    session: AsyncSession,
    principal: Principal,
    member: Membership,
    user: User,
    values: dict[str, Any],
) -> Availability:
    """Insert checked column values (a blank description is generated) and record
    ``availability.changed`` ``created``."""
    entry = Availability(user_id=user.id, **values)
    if not values.get("description"):
        entry.description = default_description(entry)
    session.add(entry)
    await session.flush()
    _changed(session, entry, member, "created", principal)
    return entry


async def remove_entry(
    session: AsyncSession, principal: Principal, member: Membership, entry: Availability
) -> None:
    """Delete an entry and record ``availability.changed`` ``deleted``."""
    _changed(session, entry, member, "deleted", principal)
    await session.delete(entry)
    await session.flush()


async def describe_entry(
    session: AsyncSession,
    principal: Principal,
    member: Membership,
    entry: Availability,
    description: str,
) -> None:
    """Set an entry's description (``updated`` when it changes), as :func:`update_entry`."""
    if await apply_changes(session, entry, {"description": description}, None):
        _changed(session, entry, member, "updated", principal)


async def update_entry(
    session: AsyncSession,
    principal: Principal,
    user_id: int,
    entry_id: int,
    write: AvailabilityWrite,
) -> tuple[Availability, Membership]:
    entry, member = await load_entry(session, principal, user_id, entry_id, write=True)
    write.errors_of("lock_version").raise_if_any()
    check_lock_version(entry, write.lock_version)
    changes, errors = checked_values(write, entry, site_today(member.site).date())
    errors.raise_if_any()
    if isinstance(write.description, Unset) and entry.description == default_description(entry):
        # A generated description follows the times; one the official wrote is kept.
        changes["description"] = describe(
            changes.get("all_day", entry.all_day),
            changes.get("start_time", entry.start_time),
            changes.get("end_time", entry.end_time),
        )
    if await apply_changes(session, entry, changes, write.lock_version):
        _changed(session, entry, member, "updated", principal)
    return entry, member


async def delete_entry(
    session: AsyncSession, principal: Principal, user_id: int, entry_id: int
) -> None:
    entry, member = await load_entry(session, principal, user_id, entry_id, write=True)
    await remove_entry(session, principal, member, entry)


def _changed(
    session: AsyncSession,
    entry: Availability,
    member: Membership,
    action: str,
    principal: Principal,
) -> None:
    """``availability.changed`` (§19.1); ``date`` is the entry's date after the change."""
    record(
        session,
        topic=topics.AVAILABILITY_CHANGED,
        site_id=member.site.id,
        resource_type=topics.RESOURCE_AVAILABILITY,
        resource_id=entry.id,
        data={"action": action, "user_id": entry.user_id, "date": entry.date.isoformat()},
        actor_account_id=principal.account_id,
    )
