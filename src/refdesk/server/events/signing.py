"""What a webhook delivery sends (contract §19.2): the body and the request headers.

Pure functions. The body is built from the event row alone, deterministically (member order
of §19.2, compact JSON), so every attempt sends the same bytes; only the signing time ``t``
and the two signatures change between attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from refdesk.server import timefmt
from refdesk.server.events import topics

USER_AGENT = "refdesk-webhooks/1.0"
HOOK0_FIELDS = "x-event-id x-event-type"


@dataclass(frozen=True)
class EventFacts:
    """The event members a body is made of (read from ``events`` by the worker)."""

    id: int
    topic: str
    site_id: int
    occurred_at: datetime
    resource_type: str
    resource_id: int
    game_id: int | None
    data: dict[str, Any]


def resource_path(event: EventFacts) -> str:
    """The API path of ``_links.resource`` (without ``/api/v2`` and ``.json``)."""
    kind, rid = event.resource_type, event.resource_id
    if kind == topics.RESOURCE_GAME:
        return f"games/{rid}"
    if kind == topics.RESOURCE_ASSIGNMENT:
        return f"assignments/{rid}"
    if kind == topics.RESOURCE_GAME_REQUEST:
        return f"game_requests/{rid}"
    if kind == topics.RESOURCE_WEBHOOK_SUBSCRIPTION:
        return f"webhooks/subscriptions/{rid}"
    if kind == topics.RESOURCE_AVAILABILITY and isinstance(event.data.get("user_id"), int):
        return f"users/{event.data['user_id']}/availability/{rid}"
    return f"{kind.replace('-', '_')}/{rid}"


def body_document(event: EventFacts, base_url: str, time_zone: str) -> dict[str, Any]:
    """The §19.2 document, members in the contract's order."""

    def link(resource_type: str, path: str) -> dict[str, str]:
        return {"resource-type": resource_type, "href": f"{base_url}/api/v2/{path}.json"}

    links: dict[str, Any] = {"resource": link(event.resource_type, resource_path(event))}
    if event.game_id is not None:
        links["game"] = link(topics.RESOURCE_GAME, f"games/{event.game_id}")
    links["site"] = link("site", f"sites/{event.site_id}")
    return {
        "id": event.id,
        "topic": event.topic,
        "timestamp": timefmt.timestamp(event.occurred_at, time_zone),
        "site_id": event.site_id,
        "data": event.data,
        "_links": links,
    }


def body_bytes(event: EventFacts, base_url: str, time_zone: str) -> bytes:
    """The raw body: compact UTF-8 JSON of :func:`body_document`, the same on every attempt."""
    document = body_document(event, base_url.rstrip("/"), time_zone)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("ascii"), message, hashlib.sha256).hexdigest()


def refdesk_signature(secret: str, t: int, event_id: int, body: bytes) -> str:
    """``X-Refdesk-Signature``: ``t=<t>,v1=<hmac(t.event_id.body)>``."""
    return f"t={t},v1={_hmac_hex(secret, f'{t}.{event_id}.'.encode() + body)}"


def hook0_signature(secret: str, t: int, event_id: int, topic: str, body: bytes) -> str:
    """``X-Hook0-Signature``: ``t=<t>,h=x-event-id x-event-type,v1=<hex>``."""
    message = f"{t}.{HOOK0_FIELDS}.{event_id}.{topic}.".encode() + body
    return f"t={t},h={HOOK0_FIELDS},v1={_hmac_hex(secret, message)}"


def request_headers(
    *,
    secret: str,
    t: int,
    event_id: int,
    topic: str,
    body: bytes,
    delivery_id: int,
    attempt: int,
) -> dict[str, str]:
    """Every header of one attempt (§19.2), signed at time ``t`` (Unix seconds)."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Event-Id": str(event_id),
        "X-Event-Type": topic,
        "X-Refdesk-Timestamp": str(t),
        "X-Refdesk-Signature": refdesk_signature(secret, t, event_id, body),
        "X-Hook0-Signature": hook0_signature(secret, t, event_id, topic, body),
        "X-Refdesk-Delivery": str(delivery_id),
        "X-Refdesk-Attempt": str(attempt),
    }
