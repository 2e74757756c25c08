"""Webhook subscriptions written with the ORM (the subscription API is built in parallel),
and running the events worker in-process until a condition holds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from refdesk.server.config import Settings
from refdesk.server.events.models import Event, WebhookAttempt, WebhookDelivery
from refdesk.server.events.record import record
from refdesk.server.events.topics import RESOURCE_GAME
from refdesk.server.events.worker import Worker
from refdesk.server.runtime import Runtime
from refdesk.server.webhooks.models import WebhookSubscription
from refdesk.server.webhooks.secrets import new_signing_secret, seal_secret
from tests.support.app import make_settings

# Settings for delivery tests: loopback http receivers, short retries, short timeout.
DELIVERY_SETTINGS: dict[str, Any] = {
    "webhook_allow_http": True,
    "webhook_allow_private": True,
    "webhook_retry_delays": "0.2,0.2,0.2,0.2,0.2,0.2",
    "webhook_timeout": 2.0,
    "public_base_url": "https://refs.example.org",
}


async def create_subscription(
    runtime: Runtime,
    site_id: int,
    target_url: str,
    *,
    event_types: list[str] | None = None,
    **fields: Any,
) -> tuple[WebhookSubscription, str]:
    """An active subscription and its plain signing secret."""
    secret = new_signing_secret()
    async with runtime.db.transaction() as session:
        subscription = WebhookSubscription(
            site_id=site_id,
            target_url=target_url,
            event_types=event_types or ["*"],
            secret_sealed=b"",
            **fields,
        )
        session.add(subscription)
        await session.flush()
        subscription.secret_sealed = seal_secret(runtime.hasher, subscription.id, secret)
    return subscription, secret


async def record_game_event(
    runtime: Runtime, site_id: int, game_id: int = 14532529, topic: str = "game.created"
) -> Event:
    async with runtime.db.transaction() as session:
        event = record(
            session,
            topic=topic,
            site_id=site_id,
            resource_type=RESOURCE_GAME,
            resource_id=game_id,
            game_id=game_id,
            data={"changes": ["venue"]} if topic == "game.updated" else {},
        )
    return event


async def run_until(
    worker: Worker, condition: Callable[[], Awaitable[bool]], within: float = 30.0
) -> None:
    """Worker rounds (with short pauses) until ``condition()`` holds."""
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not get there in time")
        await worker.run_once()
        await asyncio.sleep(0.05)


async def deliveries(runtime: Runtime) -> list[WebhookDelivery]:
    async with runtime.db.session() as session:
        rows = await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
        return list(rows.all())


async def attempts(runtime: Runtime) -> list[WebhookAttempt]:
    async with runtime.db.session() as session:
        rows = await session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id))
        return list(rows.all())


async def subscription(runtime: Runtime, subscription_id: int) -> WebhookSubscription:
    async with runtime.db.session() as session:
        found = await session.get(WebhookSubscription, subscription_id)
        assert found is not None
        return found


async def all_finished(runtime: Runtime) -> bool:
    """Every event dispatched, and every delivery succeeded or failed."""
    async with runtime.db.session() as session:
        waiting = await session.scalar(select(Event.id).where(Event.dispatched_at.is_(None)))
    rows = await deliveries(runtime)
    return waiting is None and all(d.status != "pending" for d in rows)


def delivery_settings(tmp_path: Path, database_url: str, **overrides: Any) -> Settings:
    """The test settings plus :data:`DELIVERY_SETTINGS` (and ``overrides``)."""
    return make_settings(tmp_path, database_url, **{**DELIVERY_SETTINGS, **overrides})
