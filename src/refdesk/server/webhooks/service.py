"""Webhook subscriptions (contract §18.7): a site's assignors say where its events go.

Only assignors (and operators, who act as assignors everywhere) manage subscriptions;
managers, officials and observers get ``403`` (§7.3, §20 item 26). Every endpoint resolves
the subscription's site in the order of §5: 404 → membership 403 → 402 → role 403 → 422.
Delivery itself is the worker's (``events/``); ``ping`` only records the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.config import Settings
from refdesk.server.db.base import utcnow
from refdesk.server.db.paging import page_of
from refdesk.server.errors import ErrorCollector, ValidationFailed
from refdesk.server.events.models import WebhookAttempt
from refdesk.server.events.record import record
from refdesk.server.events.topics import PING, RESOURCE_WEBHOOK_SUBSCRIPTION
from refdesk.server.inputs import UNSET
from refdesk.server.paging import PageQuery, PageRequest
from refdesk.server.sites.access import (
    Membership,
    accessible_site_ids,
    load_in_site,
    site_membership,
)
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.webhooks.models import WebhookSubscription
from refdesk.server.webhooks.schemas import SubscriptionQuery, SubscriptionWrite
from refdesk.server.webhooks.secrets import new_signing_secret, seal_secret
from refdesk.server.webhooks.targets import target_problem

FILTERS = ("search[site_id]",)
ACTION = "manage webhook subscriptions"
KEPT = timedelta(days=30)  # the deliveries log shows the last 30 days (§18.7)


@dataclass(frozen=True)
class Subscriptions:
    """Subscriptions with the sites their documents need (time zone, links). ``secret`` is
    the plain signing secret, set only by create and rotate (the one time it is shown)."""

    subscriptions: list[WebhookSubscription]
    sites: dict[int, Site]
    total: int = 1
    page: PageRequest | None = None
    secret: str | None = None


@dataclass(frozen=True)
class Deliveries:
    """A page of one subscription's delivery attempts, newest first."""

    attempts: list[WebhookAttempt]
    site: Site
    total: int
    page: PageRequest


def _one(subscription: WebhookSubscription, site: Site, secret: str | None = None) -> Subscriptions:
    return Subscriptions([subscription], {site.id: site}, secret=secret)


async def list_subscriptions(
    session: AsyncSession, principal: Principal, query: SubscriptionQuery
) -> Subscriptions:
    """``GET /webhooks/subscriptions``: every site where the caller is assignor (sites it
    may not manage, and lapsed sites, are silently left out, §5), ordered by id."""
    members = await accessible_site_ids(session, principal)
    query.raise_if_invalid()
    sites = {site_id: m.site for site_id, m in members.items() if m.assignor}
    wanted = list(sites) if query.site_id is None else [query.site_id]
    statement = select(WebhookSubscription).where(
        WebhookSubscription.site_id.in_([s for s in wanted if s in sites])
    )
    rows, total = await page_of(session, statement, [WebhookSubscription.id], query.page)
    return Subscriptions(rows, sites, total, query.page)


async def site_subscriptions(
    session: AsyncSession, principal: Principal, site_id: int, query: SubscriptionQuery
) -> Subscriptions:
    """``GET /sites/{site_id}/webhook_subscriptions``, ordered by id."""
    member = await site_membership(session, principal, site_id)
    member.require(member.assignor, ACTION)
    query.raise_if_invalid()
    statement = select(WebhookSubscription).where(WebhookSubscription.site_id == site_id)
    rows, total = await page_of(session, statement, [WebhookSubscription.id], query.page)
    return Subscriptions(rows, {site_id: member.site}, total, query.page)


async def load_subscription(
    session: AsyncSession, principal: Principal, subscription_id: int, *, write: bool = False
) -> tuple[WebhookSubscription, Membership]:
    """The subscription and the caller in its site: 404, 403, 402, then assignors only."""
    subscription, member = await load_in_site(
        session, principal, WebhookSubscription, subscription_id, for_update=write
    )
    member.require(member.assignor, ACTION)
    return subscription, member


async def get_subscription(
    session: AsyncSession, principal: Principal, subscription_id: int
) -> Subscriptions:
    subscription, member = await load_subscription(session, principal, subscription_id)
    return _one(subscription, member.site)


async def _only_assignor_site(session: AsyncSession, principal: Principal) -> int | None:
    """The site where the caller is assignor, when there is exactly one (operators act as
    assignors of every site); otherwise None."""
    if principal.operator:
        ids = list((await session.scalars(select(Site.id).limit(2))).all())
    else:
        ids = list(
            (
                await session.scalars(
                    select(User.site_id)
                    .where(
                        User.account_id == principal.account_id,
                        User.active.is_(True),
                        User.assignor.is_(True),
                    )
                    .limit(2)
                )
            ).all()
        )
    return ids[0] if len(ids) == 1 else None


async def _target_problems(inp: SubscriptionWrite, settings: Settings) -> list[tuple[str, str]]:
    """The SSRF rules (webhooks/targets.py) for a target that parsed, under the name sent.

    Called before the first statement of the request's transaction and reported after the
    access checks (§5): the name lookup can take seconds, and must not hold the SQLite write
    lock or a locked PostgreSQL row meanwhile."""
    if not isinstance(inp.target_url, str):
        return []
    problem = await target_problem(inp.target_url, settings)
    return [] if problem is None else [(inp.url_key, problem)]


def _add(errors: ErrorCollector, problems: list[tuple[str, str]]) -> ErrorCollector:
    for field, message in problems:
        errors.add(field, message)
    return errors


async def create_subscription(
    session: AsyncSession,
    principal: Principal,
    site_id: int | None,
    inp: SubscriptionWrite,
    *,
    settings: Settings,
    hasher: SecretHasher,
) -> Subscriptions:
    """A new subscription with a new signing secret (in the result, the only time it is
    shown). ``site_id`` is the path's; None reads it from the body, or takes the caller's
    only assignor site."""
    if site_id is None:
        inp.errors_of("site_id").raise_if_any()
    target = await _target_problems(inp, settings)
    if site_id is None:
        site_id = inp.site_id or await _only_assignor_site(session, principal)
        if site_id is None:
            errors = _add(ErrorCollector(), [("site_id", "can't be blank"), *inp.problems])
            raise ValidationFailed(_add(errors, target).errors)
    member = await site_membership(session, principal, site_id)
    member.require(member.assignor, ACTION)
    _add(inp.errors(but=("site_id",)), target).raise_if_any()
    assert isinstance(inp.target_url, str) and isinstance(inp.event_types, tuple)
    subscription = WebhookSubscription(
        site_id=site_id,
        target_url=inp.target_url,
        target_method=inp.target_method or "POST",
        event_types=list(inp.event_types),
        active=True if inp.active is UNSET else inp.active,
        description=None if inp.description is UNSET else inp.description,
        consecutive_failures=0,
        secret_sealed=b"",  # sealed under the id below: the id is the associated data
    )
    session.add(subscription)
    await session.flush()
    secret = new_signing_secret()
    subscription.secret_sealed = seal_secret(hasher, subscription.id, secret)
    await session.flush()
    await session.refresh(subscription)
    return _one(subscription, member.site, secret)


async def update_subscription(
    session: AsyncSession,
    principal: Principal,
    subscription_id: int,
    inp: SubscriptionWrite,
    *,
    settings: Settings,
) -> Subscriptions:
    """``PUT``/``PATCH`` (both partial). ``active`` going from false to true also resets
    ``consecutive_failures`` to 0, so a re-enabled subscription gets the full 50 events
    before it is switched off again. ``site_id`` cannot change (ignored)."""
    target = await _target_problems(inp, settings)
    subscription, member = await load_subscription(session, principal, subscription_id, write=True)
    _add(inp.errors(but=("site_id",)), target).raise_if_any()
    changes: dict[str, Any] = inp.values_sent("target_url", "target_method", "description")
    if inp.event_types is not UNSET:
        changes["event_types"] = list(inp.event_types)
    if inp.active is not UNSET:
        if inp.active and not subscription.active:
            changes["consecutive_failures"] = 0
        changes["active"] = inp.active
    for name, value in changes.items():
        setattr(subscription, name, value)
    if changes:
        subscription.updated = utcnow()
    await session.flush()
    await session.refresh(subscription)
    return _one(subscription, member.site)


async def delete_subscription(
    session: AsyncSession, principal: Principal, subscription_id: int
) -> None:
    """Delete the subscription; its pending deliveries and delivery log go with it."""
    subscription, _ = await load_subscription(session, principal, subscription_id, write=True)
    await session.delete(subscription)
    await session.flush()


async def rotate_secret(
    session: AsyncSession, principal: Principal, subscription_id: int, *, hasher: SecretHasher
) -> Subscriptions:
    """A new signing secret, in force at once (the old one signs nothing more)."""
    subscription, member = await load_subscription(session, principal, subscription_id, write=True)
    secret = new_signing_secret()
    subscription.secret_sealed = seal_secret(hasher, subscription.id, secret)
    subscription.updated = utcnow()
    await session.flush()
    await session.refresh(subscription)
    return _one(subscription, member.site, secret)


async def ping(session: AsyncSession, principal: Principal, subscription_id: int) -> Subscriptions:
    """Queue a ``ping`` event for this subscription only (§19.1); the worker delivers it."""
    subscription, member = await load_subscription(session, principal, subscription_id)
    record(
        session,
        topic=PING,
        site_id=subscription.site_id,
        resource_type=RESOURCE_WEBHOOK_SUBSCRIPTION,
        resource_id=subscription.id,
        actor_account_id=principal.account_id,
        subscription_id=subscription.id,
    )
    await session.flush()
    return _one(subscription, member.site)


async def deliveries(
    session: AsyncSession, principal: Principal, subscription_id: int, query: PageQuery
) -> Deliveries:
    """The subscription's delivery attempts of the last 30 days, newest first."""
    subscription, member = await load_subscription(session, principal, subscription_id)
    query.raise_if_invalid()
    statement = select(WebhookAttempt).where(
        WebhookAttempt.subscription_id == subscription.id,
        WebhookAttempt.created >= utcnow() - KEPT,
    )
    order = [WebhookAttempt.created.desc(), WebhookAttempt.id.desc()]
    rows, total = await page_of(session, statement, order, query.page)
    return Deliveries(rows, member.site, total, query.page)
