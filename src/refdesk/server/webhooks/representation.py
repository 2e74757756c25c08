"""Webhook subscription and delivery-attempt documents (contract §18.7)."""

from __future__ import annotations

from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.events.models import WebhookAttempt
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import timestamp
from refdesk.server.webhooks.models import WebhookSubscription
from refdesk.server.webhooks.service import Deliveries, Subscriptions


def self_path(subscription_id: int) -> str:
    return f"/webhooks/subscriptions/{subscription_id}"


def subscription_repr(
    subscription: WebhookSubscription, site: Site, base: str, secret: str | None = None
) -> dict[str, Any]:
    """The document; ``secret`` only in the ``201`` and ``rotate_secret`` answers."""
    tz = site.timezone
    body: dict[str, Any] = {
        "id": subscription.id,
        "site_id": subscription.site_id,
        "target_url": subscription.target_url,
        "target_method": subscription.target_method,
        "event_types": list(subscription.event_types),
        "active": subscription.active,
        "description": subscription.description,
    }
    if secret is not None:
        body["secret"] = secret
    body.update(
        {
            "last_delivery_at": timestamp(subscription.last_delivery_at, tz),
            "last_delivery_status": subscription.last_delivery_status,
            "consecutive_failures": subscription.consecutive_failures,
            "created": timestamp(subscription.created, tz),
            "updated": timestamp(subscription.updated, tz),
            "_links": {
                "self": link(base, self_path(subscription.id), "webhook-subscription"),
                "site": link(base, f"/sites/{site.id}", "site"),
                "deliveries": link(base, f"{self_path(subscription.id)}/deliveries"),
            },
        }
    )
    return body


def subscriptions_repr(found: Subscriptions, base: str) -> list[dict[str, Any]]:
    return [
        subscription_repr(s, found.sites[s.site_id], base, found.secret)
        for s in found.subscriptions
    ]


def attempt_repr(attempt: WebhookAttempt, site: Site) -> dict[str, Any]:
    """One row of the deliveries log (a value object: no ``_links``)."""
    return {
        "id": attempt.id,
        "event_id": attempt.event_id,
        "topic": attempt.topic,
        "attempt": attempt.attempt,
        "status_code": attempt.status_code,
        "duration_ms": attempt.duration_ms,
        "error": attempt.error,
        "response_excerpt": attempt.response_excerpt,
        "created": timestamp(attempt.created, site.timezone),
    }


def deliveries_repr(found: Deliveries) -> list[dict[str, Any]]:
    return [attempt_repr(a, found.site) for a in found.attempts]
