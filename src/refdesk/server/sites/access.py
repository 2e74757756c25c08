"""Resolving a site for a caller, in the order of contract §5 steps 12–15:
existence (404) -> active profile or operator (403) -> subscription (402) -> role (403)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from refdesk.server.auth.principal import Principal
from refdesk.server.db.rows import reads_only, select_rows
from refdesk.server.errors import Forbidden, NotFound, PaymentRequired
from refdesk.server.sites import member_rows
from refdesk.server.sites.member_rows import profile_join
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import subscription_active
from refdesk.server.users.models import User

MAX_ID = 2**63 - 1
T = TypeVar("T")


def check_id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise NotFound()
    return value


@dataclass(frozen=True)
class Membership:
    """The caller inside one site. ``user`` is None for an operator without a profile."""

    site: Site
    user: User | None
    operator: bool

    @property
    def assignor(self) -> bool:
        return self.operator or bool(self.user and self.user.assignor)

    @property
    def manager(self) -> bool:
        return bool(self.user and self.user.manager)

    @property
    def official(self) -> bool:
        return bool(self.user and self.user.official)

    @property
    def observer(self) -> bool:
        return bool(self.user and self.user.observer)

    @property
    def administers(self) -> bool:
        """Assignor or manager: may manage games and reference data."""
        return self.assignor or self.manager

    def require(self, allowed: bool, action: str) -> None:
        if not allowed:
            raise Forbidden(f"Your roles in this site do not allow you to {action}")


async def active_user(session: AsyncSession, site_id: int, account_id: int) -> User | None:
    return await session.scalar(
        select(User).where(
            User.site_id == site_id, User.account_id == account_id, User.active.is_(True)
        )
    )


_IN_SITE: dict[type[Any], Any] = {}  # one prebuilt statement per model


async def load_in_site(
    session: AsyncSession,
    principal: Principal,
    model: type[T],
    record_id: int,
    *,
    for_update: bool = False,
    allow_lapsed: bool = False,
) -> tuple[T, Membership]:
    """Steps 12–14 for a record of a site: the record, its site and the caller's active
    profile there (404, then 403, then 402). The one loader of "a record in a site the caller
    may see"; ``for_update`` locks the record's row (PostgreSQL) for a read-modify-write."""
    check_id(record_id)
    if for_update:
        locked: Any = await session.get(model, record_id, with_for_update=True)
        if locked is None:
            raise NotFound()
        site = await session.get(Site, locked.site_id)
        if site is None:
            raise NotFound()
        member = await membership_in(session, principal, site, allow_lapsed=allow_lapsed)
        return locked, member
    statement = _IN_SITE.get(model)
    if statement is None:
        entity: Any = model
        profile: Any = aliased(User)
        statement = _IN_SITE[model] = (
            select(entity, Site, profile)
            .join(Site, Site.id == entity.site_id)
            .outerjoin(profile, profile_join(bindparam("account_id"), profile))
            .where(entity.id == bindparam("record_id"))
        )
    params = {"account_id": principal.account_id, "record_id": record_id}
    row = (await session.execute(statement, params)).first()
    if row is None:
        raise NotFound()
    record: T = row[0]
    return record, membership_of(principal, row[1], row[2], allow_lapsed=allow_lapsed)


async def load_row_in_site(
    session: AsyncSession, principal: Principal, model: type[Any], record_id: int
) -> tuple[Row[Any], Membership]:
    """:func:`load_in_site` for reading: the record as a row of ``model``'s attributes (read by
    name like the entity, without ORM instance state), its site and the caller's profile as
    rows too (``member_rows.py``), in the same one statement."""
    check_id(record_id)
    params = {"account_id": principal.account_id, "record_id": record_id}
    statement, width = member_rows.record_statement(model)
    found = await select_rows(session, statement, params)
    if not found:
        raise NotFound()
    row = found[0]
    return row, membership_of(principal, *member_rows.split(row, width))


async def membership_in(
    session: AsyncSession, principal: Principal, site: Site, *, allow_lapsed: bool = False
) -> Membership:
    """Steps 13–14 for an already loaded site."""
    user = await active_user(session, site.id, principal.account_id)
    return membership_of(principal, site, user, allow_lapsed=allow_lapsed)


def membership_of(
    principal: Principal, site: Site, user: User | None, *, allow_lapsed: bool = False
) -> Membership:
    """Steps 13–14 once the site and the caller's active profile (or None) are loaded."""
    if user is None and not principal.operator:
        raise Forbidden("You have no active profile in this site")
    if not allow_lapsed and not principal.operator and not subscription_active(site):
        raise PaymentRequired(site.id)
    return Membership(site, user, principal.operator)


async def site_membership(
    session: AsyncSession,
    principal: Principal,
    site_id: int,
    *,
    allow_lapsed: bool = False,
    for_update: bool = False,
) -> Membership:
    """Steps 12–14 for ``site_id``; the caller checks its role (step 15) with ``require``."""
    check_id(site_id)
    if for_update:
        site = await session.get(Site, site_id, with_for_update=True)
        if site is None:
            raise NotFound()
        return await membership_in(session, principal, site, allow_lapsed=allow_lapsed)
    if reads_only(session):  # the site and the profile as rows (member_rows.py)
        params = {"account_id": principal.account_id, "site_id": site_id}
        found = await select_rows(session, member_rows.SITE_AND_PROFILE, params)
        if not found:
            raise NotFound()
        site, user = member_rows.split(found[0], 0)
        return membership_of(principal, site, user, allow_lapsed=allow_lapsed)
    # One statement: the site and the caller's profile in it.
    row = (
        await session.execute(
            select(Site, User)
            .outerjoin(User, profile_join(principal.account_id))
            .where(Site.id == site_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    return membership_of(principal, row[0], row[1], allow_lapsed=allow_lapsed)


async def accessible_site_ids(session: AsyncSession, principal: Principal) -> dict[int, Membership]:
    """Sites the caller may use in cross-site collections: an active profile (or operator)
    and an active subscription (§5: other sites are silently left out)."""
    from refdesk.server.sites.rules import subscription_active

    if principal.operator:
        sites = (await session.scalars(select(Site))).all()
        return {s.id: Membership(s, None, True) for s in sites if subscription_active(s)}
    rows = (
        await session.execute(
            select(User, Site)
            .join(Site, Site.id == User.site_id)
            .where(User.account_id == principal.account_id, User.active.is_(True))
        )
    ).all()
    return {
        site.id: Membership(site, user, False) for user, site in rows if subscription_active(site)
    }
