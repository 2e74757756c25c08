"""Site rules: who sees which sites, creation, settings, subscription (contract §16.1, §7.6)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.auth.principal import Principal
from refdesk.server.config import Settings
from refdesk.server.db.paging import page_of
from refdesk.server.errors import Forbidden, NotFound
from refdesk.server.forms.models import FormSubmission, FormTemplate
from refdesk.server.games.derived import relocalise_site_games
from refdesk.server.games.models import Game
from refdesk.server.inputs import UNSET
from refdesk.server.sites.access import check_id, site_membership
from refdesk.server.sites.models import Site
from refdesk.server.sites.schemas import SiteInput, SiteListQuery, SubscriptionInput
from refdesk.server.users.models import User


def visible_sites(principal: Principal, name: str | None) -> Select[Site]:
    """Sites where the caller has an active user (operators: all)."""
    query = select(Site)
    if not principal.operator:
        query = query.where(
            Site.id.in_(
                select(User.site_id).where(
                    User.account_id == principal.account_id, User.active.is_(True)
                )
            )
        )
    if name:
        escaped = name.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Site.name).like(f"%{escaped}%", escape="\\"))
    return query


async def list_sites(
    session: AsyncSession, principal: Principal, query: SiteListQuery
) -> tuple[list[Site], int]:
    """The visible sites of the page, ordered by id, and their total."""
    query.raise_if_invalid()
    statement = visible_sites(principal, query.name)
    sites, total = await page_of(session, statement, (Site.id,), query.page)
    return sites, total


async def read_site(session: AsyncSession, principal: Principal, site_id: int) -> Site:
    """One site, readable even when its subscription has lapsed."""
    member = await site_membership(session, principal, site_id, allow_lapsed=True)
    return member.site


async def create_site(
    session: AsyncSession, settings: Settings, principal: Principal, inp: SiteInput
) -> Site:
    """A new site (operators, or anyone when site_creation=anyone); the caller becomes its
    assignor. ``inp`` is parsed with ``creating=True`` (the name is required)."""
    if settings.site_creation != "anyone" and not principal.operator:
        raise Forbidden("Only operators may create sites on this installation")
    errors = inp.errors()
    if inp.name is UNSET and "name" not in errors.errors:  # a caller-built input
        errors.add("name", "can't be blank")
    errors.raise_if_any()
    changes = inp.changes()
    account = await session.get(Account, principal.account_id)
    if account is None:
        raise NotFound()
    values: dict[str, Any] = {
        "timezone": settings.default_time_zone,
        "decline_cutoff_hours": settings.decline_cutoff_hours,
        "subscription_status": settings.default_subscription_status,
        "sports": [],
    }
    values.update(changes)
    site = Site(**values)
    session.add(site)
    await session.flush()
    session.add(
        User(
            site_id=site.id,
            account_id=account.id,
            first_name=account.first_name or account.login,
            last_name=account.last_name or "",
            email_addresses=[account.email],
            official=False,
            assignor=True,
            manager=False,
            observer=False,
            active=True,
        )
    )
    await session.flush()
    return site


async def update_site(
    session: AsyncSession, principal: Principal, site_id: int, inp: SiteInput
) -> Site:
    member = await site_membership(session, principal, site_id, for_update=True)
    member.require(member.assignor, "change the site's settings")
    inp.raise_if_invalid()
    changes = inp.changes()
    moved = "timezone" in changes and changes["timezone"] != member.site.timezone
    for key, value in changes.items():
        setattr(member.site, key, value)
    await session.flush()
    if moved:
        await relocalise_site_games(session, member.site.id, member.site.timezone)
    return member.site


async def delete_site(session: AsyncSession, principal: Principal, site_id: int) -> None:
    check_id(site_id)
    site = await session.get(Site, site_id)
    if site is None:
        raise NotFound()
    if not principal.operator:
        await site_membership(session, principal, site_id, allow_lapsed=True)
        raise Forbidden("Only operators may delete sites")
    # Rows holding ON DELETE RESTRICT keys to the site's records go first (a submission its
    # form template; a game its venue, teams, ...; a slot its position); the rest cascades.
    templates = select(FormTemplate.id).where(FormTemplate.site_id == site_id)
    await session.execute(delete(FormSubmission).where(FormSubmission.template_id.in_(templates)))
    await session.execute(delete(Game).where(Game.site_id == site_id))
    await session.execute(delete(User).where(User.site_id == site_id))
    await session.delete(site)
    await session.flush()


async def officials_count(session: AsyncSession, site_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.site_id == site_id, User.official.is_(True), User.active.is_(True))
    )
    return int(count or 0)


async def read_subscription(
    session: AsyncSession, principal: Principal, site_id: int
) -> tuple[Site, int]:
    """The site (readable even when its subscription has lapsed) and its officials count."""
    member = await site_membership(session, principal, site_id, allow_lapsed=True)
    return member.site, await officials_count(session, site_id)


async def update_subscription(
    session: AsyncSession, principal: Principal, site_id: int, inp: SubscriptionInput
) -> tuple[Site, int]:
    """Change the subscription (operators); the site and its officials count afterwards."""
    member = await site_membership(session, principal, site_id, allow_lapsed=True, for_update=True)
    if not principal.operator:
        raise Forbidden("Only operators may change a site's subscription")
    inp.raise_if_invalid()
    for key, value in inp.changes().items():
        setattr(member.site, key, value)
    await session.flush()
    return member.site, await officials_count(session, site_id)
