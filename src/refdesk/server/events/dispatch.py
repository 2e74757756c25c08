"""Fanning events out: one ``WebhookDelivery`` per event and matching subscription, and the
e-mails the event causes (``notifications.plan_mail``), then ``dispatched_at``.

One transaction per batch, so an event is fanned out exactly once: on PostgreSQL the batch's
event rows are locked with ``FOR UPDATE SKIP LOCKED`` (concurrent workers take disjoint
batches); on SQLite the write transaction (``BEGIN IMMEDIATE``) serialises them. The unique
``(event_id, subscription_id)`` key is the last guard.

Which subscriptions get an event: those of the event's site that are active when the event
is dispatched, were created no later than the event, and list its topic (or ``*``). A
subscription created after the event does not receive it, even if the worker is behind; a
``ping`` goes only to the subscription that asked for it, whatever its ``event_types``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.db.base import utcnow
from refdesk.server.events import notifications, topics
from refdesk.server.events.models import Event, WebhookDelivery
from refdesk.server.runtime import Runtime
from refdesk.server.webhooks.models import WebhookSubscription


def wants(subscription: WebhookSubscription, event: Event) -> bool:
    """Does ``subscription`` receive ``event``?"""
    if not subscription.active or subscription.site_id != event.site_id:
        return False
    if event.topic == topics.PING:
        return event.subscription_id == subscription.id
    if subscription.created > event.occurred_at:
        return False
    types = subscription.event_types or []
    return topics.ALL in types or event.topic in types


async def _subscriptions(
    session: AsyncSession, site_ids: set[int]
) -> dict[int, list[WebhookSubscription]]:
    rows = await session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.site_id.in_(site_ids), WebhookSubscription.active.is_(True))
        .order_by(WebhookSubscription.id)
    )
    by_site: dict[int, list[WebhookSubscription]] = {}
    for subscription in rows.all():
        by_site.setdefault(subscription.site_id, []).append(subscription)
    return by_site


async def dispatch_batch(
    session: AsyncSession, runtime: Runtime, limit: int, now: datetime | None = None
) -> int:
    """Fan out up to ``limit`` undispatched events (oldest first) in ``session``'s
    transaction; return how many events were dispatched."""
    now = now or utcnow()
    query = select(Event).where(Event.dispatched_at.is_(None)).order_by(Event.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    events = list((await session.scalars(query)).all())
    if not events:
        return 0
    subscriptions = await _subscriptions(session, {e.site_id for e in events})
    for event in events:
        for subscription in subscriptions.get(event.site_id, []):
            if wants(subscription, event):
                session.add(
                    WebhookDelivery(
                        event_id=event.id,
                        subscription_id=subscription.id,
                        status="pending",
                        attempts=0,
                        next_attempt_at=now,
                    )
                )
        await notifications.plan_mail(session, runtime, event)
        event.dispatched_at = now
    await session.flush()
    return len(events)


async def dispatch_pending(runtime: Runtime, limit: int = 200) -> int:
    """Dispatch one batch of up to ``limit`` events in its own transaction (opened only when
    a plain read sees undispatched events: an idle round costs no write transaction)."""
    async with runtime.db.session() as session:
        waiting = await session.scalar(
            select(Event.id).where(Event.dispatched_at.is_(None)).limit(1)
        )
    if waiting is None:
        return 0
    async with runtime.db.transaction() as session:
        return await dispatch_batch(session, runtime, limit)
