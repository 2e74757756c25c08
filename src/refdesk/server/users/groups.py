"""Group membership (contract §17.5)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.errors import ErrorCollector, ValidationFailed
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.reference.models import Group, GroupMembership
from refdesk.server.reference.representation import GROUPS
from refdesk.server.reference.service import load_record
from refdesk.server.sites.access import Membership
from refdesk.server.sites.models import Site
from refdesk.server.users import queries
from refdesk.server.users.models import User
from refdesk.server.users.service import is_own, load_user


async def group_users(
    session: AsyncSession, principal: Principal, group_id: int, query: dict[str, Any]
) -> tuple[Group, list[tuple[User, Site]], int, PageRequest]:
    group, member = await load_record(session, principal, GROUPS, group_id)
    member.require(member.administers, "list the members of this group")
    errors = ErrorCollector()
    page = parse_page(query, errors)
    errors.raise_if_any()
    statement = (
        select(User, Site)
        .join(Site, Site.id == User.site_id)
        .where(
            User.id.in_(select(GroupMembership.user_id).where(GroupMembership.group_id == group.id))
        )
    )
    rows, total = await queries.page_of(session, statement, page.offset, page.limit)
    return group, rows, total, page


async def user_groups(
    session: AsyncSession, principal: Principal, user_id: int, query: dict[str, Any]
) -> tuple[User, Membership, list[Group], int, PageRequest]:
    user, member = await load_user(session, principal, user_id)
    member.require(member.administers or is_own(member, user), "read this user's groups")
    errors = ErrorCollector()
    page = parse_page(query, errors)
    errors.raise_if_any()
    statement = (
        select(Group)
        .join(GroupMembership, GroupMembership.group_id == Group.id)
        .where(GroupMembership.user_id == user.id)
    )
    from sqlalchemy import func

    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    groups = list(
        (
            await session.scalars(
                statement.order_by(func.lower(Group.name), Group.id)
                .offset(page.offset)
                .limit(page.limit)
            )
        ).all()
    )
    return user, member, groups, int(total or 0), page


async def _pair(
    session: AsyncSession, principal: Principal, user_id: int, group_id: int
) -> tuple[User, Group, Membership]:
    user, member = await load_user(session, principal, user_id, for_update=True)
    # The group is a path resource too (§5 steps 12-14): a group of a site where the caller
    # has no profile is 403, not a validation error.
    group, _ = await load_record(session, principal, GROUPS, group_id)
    member.require(member.administers, "change group membership")
    if group.site_id != user.site_id:
        raise ValidationFailed({"base": ["does not exist"]})
    return user, group, member


async def add_member(
    session: AsyncSession, principal: Principal, user_id: int, group_id: int
) -> tuple[Group, Membership]:
    user, group, member = await _pair(session, principal, user_id, group_id)
    exists = await session.scalar(
        select(GroupMembership.id).where(
            GroupMembership.group_id == group.id, GroupMembership.user_id == user.id
        )
    )
    if not exists:
        session.add(GroupMembership(group_id=group.id, user_id=user.id))
        await session.flush()
    return group, member


async def remove_member(
    session: AsyncSession, principal: Principal, user_id: int, group_id: int
) -> None:
    user, group, _ = await _pair(session, principal, user_id, group_id)
    await session.execute(
        delete(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.user_id == user.id
        )
    )
