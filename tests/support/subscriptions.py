"""Webhook subscriptions in tests of the subscriptions API: a target that passes the SSRF
rules without a DNS lookup, a body that creates a subscription, and rows of the delivery log
(``WebhookAttempt``) written with the ORM, as the worker would write them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from refdesk.server.db.base import utcnow
from refdesk.server.events.models import Event, WebhookAttempt, WebhookDelivery
from refdesk.server.events.topics import GAME_CREATED, RESOURCE_GAME
from refdesk.server.runtime import Runtime

# A literal public address (TEST-NET ranges are not global, so not those): no lookup, allowed.
HOOK_URL = "https://93.184.216.34/refdesk/hooks"
SUBSCRIPTION: dict[str, Any] = {
    "target_url": HOOK_URL,
    "event_types": ["game.created", "game.official.changed"],
    "description": "Payroll sync",
}


async def create_attempts(
    runtime: Runtime,
    subscription_id: int,
    site_id: int,
    created: list[datetime] | None = None,
    **fields: Any,
) -> list[WebhookAttempt]:
    """One event and delivery, with one attempt per ``created`` time (default: one, now);
    ``fields`` are columns of every attempt (``status_code``, ``error``...)."""
    times = created or [utcnow()]
    async with runtime.db.transaction() as session:
        event = Event(
            topic=fields.get("topic", GAME_CREATED),
            site_id=site_id,
            resource_type=RESOURCE_GAME,
            resource_id=1,
            game_id=1,
            data={},
        )
        session.add(event)
        await session.flush()
        delivery = WebhookDelivery(
            event_id=event.id,
            subscription_id=subscription_id,
            status="pending",
            attempts=len(times),
            next_attempt_at=utcnow(),
        )
        session.add(delivery)
        await session.flush()
        attempts = []
        for n, when in enumerate(times, 1):
            values: dict[str, Any] = {
                "topic": event.topic,
                "status_code": 500,
                "duration_ms": 12,
                "error": "http_error",
                "response_excerpt": "oops",
                **fields,
            }
            attempt = WebhookAttempt(
                delivery_id=delivery.id,
                subscription_id=subscription_id,
                event_id=event.id,
                attempt=n,
                created=when,
                **values,
            )
            session.add(attempt)
            attempts.append(attempt)
        await session.flush()
    return attempts
