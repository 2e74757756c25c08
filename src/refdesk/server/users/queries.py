"""User list queries: the ``search[...]`` filters of the site lists and of ``/users`` (§17.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select

from refdesk.server.reference.models import GroupMembership
from refdesk.server.users.models import User
from refdesk.server.users.schemas import ROLE_FLAGS, UserListQuery


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def apply_user_filters(statement: Select[Any], query: UserListQuery) -> Select[Any]:
    """The filters shared by every user list (``search[site_id]`` is parsed only where
    allowed)."""
    if query.text is not None:
        pattern = _like(query.text)
        full_name = func.lower(User.first_name + " " + User.last_name)
        statement = statement.where(
            or_(
                func.lower(User.first_name).like(pattern, escape="\\"),
                func.lower(User.last_name).like(pattern, escape="\\"),
                full_name.like(pattern, escape="\\"),
                func.lower(cast(User.email_addresses, String)).like(pattern, escape="\\"),
            )
        )
    if query.status is not None:
        statement = statement.where(User.active.is_(query.status == "active"))
    for role in ROLE_FLAGS:
        flag = getattr(query, role)
        if flag is not None:
            statement = statement.where(getattr(User, role).is_(flag))
    if query.group_id is not None:
        statement = statement.where(
            User.id.in_(
                select(GroupMembership.user_id).where(GroupMembership.group_id == query.group_id)
            )
        )
    if query.site_id is not None:
        statement = statement.where(User.site_id == query.site_id)
    return statement
