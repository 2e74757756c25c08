"""Site rules: who sees which sites, creation, settings, subscription (contract §16.1, §7.6)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.auth.principal import Principal
from refdesk.server.config import Settings
from refdesk.server.errors import ErrorCollector, Forbidden, NotFound
from refdesk.server.forms.models import FormSubmission, FormTemplate
from refdesk.server.games.derived import relocalise_site_games
from refdesk.server.games.models import Game
from refdesk.server.sites.access import Membership, check_id, site_membership
from refdesk.server.sites.models import Site
from refdesk.server.sites.representation import read_site_fields, read_subscription_fields
from refdesk.server.users.models import User


def visible_sites(principal: Principal, name: str | None) -> Select[Site]:
    """Sites where the caller has an active user (operators: all), ordered by id."""
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
    return query.order_by(Site.id)


async def page_of(
    session: AsyncSession, query: Select[Site], offset: int, limit: int
) -> tuple[list[Site], int]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = (await session.scalars(query.offset(offset).limit(limit))).all()
    return list(rows), int(total or 0)


async def create_site(
    session: AsyncSession, settings: Settings, principal: Principal, data: dict[str, Any]
) -> Site:
    if settings.site_creation != "anyone" and not principal.operator:
        raise Forbidden("Only operators may create sites on this installation")
    errors = ErrorCollector()
    changes = read_site_fields(data, errors, creating=True)
    errors.raise_if_any()
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
    session: AsyncSession, principal: Principal, site_id: int, data: dict[str, Any]
) -> Site:
    member = await site_membership(session, principal, site_id, for_update=True)
    member.require(member.assignor, "change the site's settings")
    errors = ErrorCollector()
    changes = read_site_fields(data, errors, creating=False)
    errors.raise_if_any()
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


async def update_subscription(
    session: AsyncSession, principal: Principal, site_id: int, data: dict[str, Any]
) -> Membership:
    member = await site_membership(session, principal, site_id, allow_lapsed=True, for_update=True)
    if not principal.operator:
        raise Forbidden("Only operators may change a site's subscription")
    errors = ErrorCollector()
    changes = read_subscription_fields(data, errors)
    errors.raise_if_any()
    for key, value in changes.items():
        setattr(member.site, key, value)
    await session.flush()
    return member
