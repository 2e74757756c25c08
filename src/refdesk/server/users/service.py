"""User rules: who may read and change a user profile (contract §7.3–7.4, §17.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.db.locking import apply_changes, check_lock_version, expected_lock_version
from refdesk.server.errors import ErrorCollector, Forbidden, NotFound
from refdesk.server.sites.access import Membership, check_id, membership_in
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.users.schemas import ASSIGNOR_ONLY, read_user_changes


async def load_user(
    session: AsyncSession, principal: Principal, user_id: int, *, for_update: bool = False
) -> tuple[User, Membership]:
    """Steps 12–14 for a user record: 404, membership 403, 402."""
    check_id(user_id)
    user = await session.get(User, user_id, with_for_update=for_update)
    if user is None:
        raise NotFound()
    site = await session.get(Site, user.site_id)
    if site is None:
        raise NotFound()
    return user, await membership_in(session, principal, site)


def is_own(member: Membership, user: User) -> bool:
    return member.user is not None and member.user.id == user.id


async def read_user(
    session: AsyncSession, principal: Principal, user_id: int
) -> tuple[User, Membership]:
    user, member = await load_user(session, principal, user_id)
    member.require(member.administers or is_own(member, user), "read this user")
    return user, member


async def update_user(
    session: AsyncSession, principal: Principal, user_id: int, data: dict[str, Any]
) -> tuple[User, Membership]:
    user, member = await load_user(session, principal, user_id, for_update=True)
    member.require(member.administers or is_own(member, user), "change this user")
    if not member.assignor:
        for name in ASSIGNOR_ONLY:
            if name in data:
                raise Forbidden(f"You may not change the field {name}")
    expected = expected_lock_version(data)
    check_lock_version(user, expected)
    errors = ErrorCollector()
    changes = read_user_changes(data, errors)
    errors.raise_if_any()
    await _check_rules(session, user, changes, errors)
    errors.raise_if_any()
    await apply_changes(session, user, changes, expected)
    return user, member


async def _check_rules(
    session: AsyncSession, user: User, changes: dict[str, Any], errors: ErrorCollector
) -> None:
    official = changes.get("official", user.official)
    first = changes.get("first_name", user.first_name)
    last = changes.get("last_name", user.last_name)
    if official and ({"official", "first_name", "last_name"} & changes.keys()):
        clash = await session.scalar(
            select(User.id).where(
                User.site_id == user.site_id,
                User.id != user.id,
                User.official.is_(True),
                func.lower(User.first_name) == first.lower(),
                func.lower(User.last_name) == last.lower(),
            )
        )
        if clash:
            errors.add(
                "base", "First and last name are already used by another official of this site"
            )
    losing_assignor = (
        user.assignor
        and user.active
        and (changes.get("assignor") is False or changes.get("active") is False)
    )
    if losing_assignor:
        others = await session.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.site_id == user.site_id,
                User.id != user.id,
                User.assignor.is_(True),
                User.active.is_(True),
            )
        )
        if not others:
            errors.add("assignor", "the site must keep at least one active assignor")
