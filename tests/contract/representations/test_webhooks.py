"""Webhook subscription and delivery-log representations (contract §18.7, §9.2, §10)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.support.games import setup_site
from tests.support.shapes import Link, Shape, assert_collection, assert_shape, get_ok, post_ok
from tests.support.subscriptions import SUBSCRIPTION, create_attempts
from tests.support.tables import TS

WEBHOOK_SUBSCRIPTION = Shape(
    {
        "id": "integer",
        "site_id": "integer",
        "target_url": "string",
        "target_method": "string",
        "event_types": "strings",
        "active": "boolean",
        "description": "string|null",
        "last_delivery_at": f"{TS}|null",
        "last_delivery_status": "integer|null",
        "consecutive_failures": "integer",
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("webhook-subscription", "/webhooks/subscriptions/{id}"),
        "site": Link("site", "/sites/{site_id}"),
        "deliveries": Link(None, "/webhooks/subscriptions/{id}/deliveries"),
    },
)
WITH_SECRET = WEBHOOK_SUBSCRIPTION.add(secret="string")
DELIVERY = Shape(
    {
        "id": "integer",
        "event_id": "integer",
        "topic": "string",
        "attempt": "integer",
        "status_code": "integer|null",
        "duration_ms": "integer",
        "error": "string|null",
        "response_excerpt": "string|null",
        "created": TS,
    }
)


async def test_webhook_subscriptions_and_deliveries(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    made = await post_ok(
        client, f"/api/v2/sites/{site_id}/webhook_subscriptions", assignor, SUBSCRIPTION
    )
    assert_shape(made, WITH_SECRET)
    one = f"/api/v2/webhooks/subscriptions/{made['id']}"
    assert_shape(await get_ok(client, one, assignor), WEBHOOK_SUBSCRIPTION)
    alias = f"/api/v2/webhook_subscriptions/{made['id']}"
    assert_shape(await get_ok(client, alias, assignor), WEBHOOK_SUBSCRIPTION)
    assert_shape(await post_ok(client, f"{alias}/rotate_secret", assignor, None, 200), WITH_SECRET)
    assert_shape(await post_ok(client, f"{one}/ping", assignor, None, 200), WEBHOOK_SUBSCRIPTION)
    assert_collection(
        await get_ok(client, "/api/v2/webhooks/subscriptions", assignor),
        "/webhooks/subscriptions",
        "webhook_subscriptions",
        WEBHOOK_SUBSCRIPTION,
    )
    assert_collection(
        await get_ok(client, f"/api/v2/sites/{site_id}/webhook_subscriptions", assignor),
        f"/sites/{site_id}/webhook_subscriptions",
        "webhook_subscriptions",
        WEBHOOK_SUBSCRIPTION,
    )

    await create_attempts(runtime, made["id"], site_id)
    await create_attempts(runtime, made["id"], site_id, status_code=None, error="timeout")
    for path in (one, alias):
        log = await get_ok(client, f"{path}/deliveries", assignor)
        assert_collection(
            log, f"/webhooks/subscriptions/{made['id']}/deliveries", "deliveries", DELIVERY
        )
        assert len(log["_embedded"]["deliveries"]) == 2
