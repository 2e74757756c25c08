"""User list queries: site lists and the cross-site ``/users`` list (contract §17.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, is_blank, read_bool, read_int
from refdesk.server.reference.models import GroupMembership
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User

ROLE_FILTERS = ("official", "assignor", "manager", "observer")
USER_FILTER_KEYS = (
    "search[query]",
    "search[status]",
    "search[official]",
    "search[assignor]",
    "search[manager]",
    "search[observer]",
    "search[group_id]",
    "search[site_id]",
)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def apply_user_filters(
    statement: Select[User, Site],
    query: dict[str, Any],
    errors: ErrorCollector,
    *,
    allow_site: bool = False,
) -> Select[User, Site]:
    """``search[...]`` filters shared by every user list; bad values go to ``errors``."""
    search = query.get("search")
    if not isinstance(search, dict):
        return statement
    text = search.get("query")
    if isinstance(text, str) and text.strip():
        pattern = _like(text.strip())
        full_name = func.lower(User.first_name + " " + User.last_name)
        statement = statement.where(
            or_(
                func.lower(User.first_name).like(pattern, escape="\\"),
                func.lower(User.last_name).like(pattern, escape="\\"),
                full_name.like(pattern, escape="\\"),
                func.lower(cast(User.email_addresses, String)).like(pattern, escape="\\"),
            )
        )
    status = search.get("status")
    if not is_blank(status):
        if status == "active":
            statement = statement.where(User.active.is_(True))
        elif status == "inactive":
            statement = statement.where(User.active.is_(False))
        elif status != "all":
            errors.add("search[status]", "is not included in the list")
    for role in ROLE_FILTERS:
        value = search.get(role)
        if not is_blank(value):
            flag = read_bool(value, f"search[{role}]", errors)
            if flag is not INVALID:
                statement = statement.where(getattr(User, role).is_(flag))
    group_id = search.get("group_id")
    if not is_blank(group_id):
        group = read_int(group_id, "search[group_id]", errors, 1, 2**63 - 1)
        if group is not INVALID:
            statement = statement.where(
                User.id.in_(
                    select(GroupMembership.user_id).where(GroupMembership.group_id == group)
                )
            )
    site_id = search.get("site_id")
    if allow_site and not is_blank(site_id):
        site = read_int(site_id, "search[site_id]", errors, 1, 2**63 - 1)
        if site is not INVALID:
            statement = statement.where(User.site_id == site)
    return statement


def ordered(statement: Select[User, Site]) -> Select[User, Site]:
    return statement.order_by(func.lower(User.last_name), func.lower(User.first_name), User.id)


async def page_of(
    session: AsyncSession, statement: Select[User, Site], offset: int, limit: int
) -> tuple[list[tuple[User, Site]], int]:
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = (await session.execute(ordered(statement).offset(offset).limit(limit))).all()
    return [(user, site) for user, site in rows], int(total or 0)
