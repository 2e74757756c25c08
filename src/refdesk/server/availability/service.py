"""Availability rules (contract §7.3, §17.2): officials edit their own; assignors everyone's
in the site; managers read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.availability.models import Availability
from refdesk.server.availability.representation import (
    default_description,
    describe,
    read_availability,
)
from refdesk.server.db.locking import apply_changes, check_lock_version, expected_lock_version
from refdesk.server.db.paging import scalar_page
from refdesk.server.errors import ErrorCollector, NotFound, ValidationFailed
from refdesk.server.fields import INVALID, is_blank, read_date
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.sites.access import Membership, check_id
from refdesk.server.sites.rules import site_today
from refdesk.server.users.models import User
from refdesk.server.users.service import is_own, load_user

MAX_LIMIT = 200
FILTERS = ("search[start_date]", "search[end_date]")


async def _official(
    session: AsyncSession, principal: Principal, user_id: int, *, write: bool
) -> tuple[User, Membership]:
    user, member = await load_user(session, principal, user_id)
    own = is_own(member, user)
    if write:
        member.require(member.assignor or own, "change this user's availability")
    else:
        member.require(member.administers or own, "read this user's availability")
    return user, member


async def list_entries(
    session: AsyncSession, principal: Principal, user_id: int, query: dict[str, Any]
) -> tuple[User, Membership, list[Availability], int, PageRequest]:
    user, member = await _official(session, principal, user_id, write=False)
    errors = ErrorCollector()
    page = parse_page(query, errors, default_limit=MAX_LIMIT, max_limit=MAX_LIMIT)
    statement = select(Availability).where(Availability.user_id == user.id)
    search = query.get("search")
    today = site_today(member.site).date()
    if isinstance(search, dict):
        for key, op in (("start_date", "ge"), ("end_date", "le")):
            value = search.get(key)
            if is_blank(value):
                continue
            day = read_date(value, f"search[{key}]", errors, today)
            if day is not INVALID:
                column = Availability.date
                statement = statement.where(column >= day if op == "ge" else column <= day)
    errors.raise_if_any()
    entries, total = await scalar_page(
        session,
        statement,
        (Availability.date, Availability.all_day.desc(), Availability.start_time, Availability.id),
        page.offset,
        page.limit,
    )
    return user, member, entries, total, page


async def load_entry(
    session: AsyncSession, principal: Principal, user_id: int, entry_id: int, *, write: bool
) -> tuple[Availability, Membership]:
    user, member = await _official(session, principal, user_id, write=write)
    check_id(entry_id)
    entry = await session.get(Availability, entry_id, with_for_update=write)
    if entry is None or entry.user_id != user.id:
        raise NotFound()
    return entry, member


async def create_entry(
    session: AsyncSession, principal: Principal, user_id: int, data: dict[str, Any]
) -> tuple[Availability, Membership]:
    user, member = await _official(session, principal, user_id, write=True)
    if not user.official:
        raise ValidationFailed({"base": ["only officials can have availability"]})
    errors = ErrorCollector()
    values = read_availability(data, errors, None, site_today(member.site).date())
    errors.raise_if_any()
    entry = Availability(user_id=user.id, **values)
    if "description" not in values or not values["description"]:
        entry.description = default_description(entry)
    session.add(entry)
    await session.flush()
    return entry, member


async def update_entry(
    session: AsyncSession,
    principal: Principal,
    user_id: int,
    entry_id: int,
    data: dict[str, Any],
) -> tuple[Availability, Membership]:
    entry, member = await load_entry(session, principal, user_id, entry_id, write=True)
    expected = expected_lock_version(data)
    check_lock_version(entry, expected)
    errors = ErrorCollector()
    changes = read_availability(data, errors, entry, site_today(member.site).date())
    errors.raise_if_any()
    if "description" not in data and entry.description == default_description(entry):
        # A generated description follows the times; one the official wrote is kept.
        changes["description"] = describe(
            changes.get("all_day", entry.all_day),
            changes.get("start_time", entry.start_time),
            changes.get("end_time", entry.end_time),
        )
    await apply_changes(session, entry, changes, expected)
    return entry, member


async def delete_entry(
    session: AsyncSession, principal: Principal, user_id: int, entry_id: int
) -> None:
    entry, _ = await load_entry(session, principal, user_id, entry_id, write=True)
    await session.delete(entry)
    await session.flush()
