"""``ping`` records one event for one subscription; ``deliveries`` shows the attempt log of
the last 30 days, newest first, paged at most 50 (contract §18.7, §19.1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from refdesk.server.db.base import utcnow
from refdesk.server.events.topics import PING, RESOURCE_WEBHOOK_SUBSCRIPTION
from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.events import recorded_events, summary
from tests.support.queries import counting
from tests.support.services import assignor_site
from tests.support.subscriptions import SUBSCRIPTION, create_attempts


async def _subscription(
    client: httpx.AsyncClient, headers: dict[str, str], site_id: int
) -> dict[str, Any]:
    resp = await client.post(
        f"/api/v2/sites/{site_id}/webhook_subscriptions", json=SUBSCRIPTION, headers=headers
    )
    assert resp.status_code == 201, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def test_ping_records_one_event_for_this_subscription(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site, assignor = await assignor_site(runtime)
    made = await _subscription(client, assignor.headers, site.id)
    await _subscription(client, assignor.headers, site.id)  # another one: not pinged
    resp = await client.post(
        f"/api/v2/webhook_subscriptions/{made['id']}/ping", headers=assignor.headers
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["id"] == made["id"] and "secret" not in resp.json()
    (event,) = await recorded_events(runtime)
    assert summary(event) == (PING, RESOURCE_WEBHOOK_SUBSCRIPTION, made["id"], None, {})
    assert (event.site_id, event.subscription_id) == (site.id, made["id"])
    assert event.actor_account_id == assignor.account.id

    outsider = await create_member(runtime, await create_site(runtime), assignor=True)
    refused = await client.post(
        f"/api/v2/webhooks/subscriptions/{made['id']}/ping", headers=outsider.headers
    )
    assert refused.status_code == 403
    missing = await client.post(
        "/api/v2/webhooks/subscriptions/999999/ping", headers=assignor.headers
    )
    assert missing.status_code == 404
    assert len(await recorded_events(runtime)) == 1


async def test_deliveries_newest_first_last_30_days_paged(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site, assignor = await assignor_site(runtime)
    made = await _subscription(client, assignor.headers, site.id)
    other = await _subscription(client, assignor.headers, site.id)
    now = utcnow()
    old, *recent = await create_attempts(
        runtime,
        made["id"],
        site.id,
        [now - timedelta(days=31), now - timedelta(hours=2), now - timedelta(minutes=1)],
    )
    (ok,) = await create_attempts(
        runtime,
        made["id"],
        site.id,
        topic="ping",
        status_code=200,
        error=None,
        response_excerpt=None,
        duration_ms=183,
    )
    await create_attempts(runtime, other["id"], site.id)  # another subscription's log

    url = f"/api/v2/webhooks/subscriptions/{made['id']}/deliveries"
    body = (await client.get(url, headers=assignor.headers)).json()
    rows = body["_embedded"]["deliveries"]
    assert [r["id"] for r in rows] == [ok.id, recent[1].id, recent[0].id]
    assert old.id not in [r["id"] for r in rows]
    assert body["page"]["records"] == 3
    assert rows[0] == {
        "id": ok.id,
        "event_id": ok.event_id,
        "topic": "ping",
        "attempt": 1,
        "status_code": 200,
        "duration_ms": 183,
        "error": None,
        "response_excerpt": None,
        "created": rows[0]["created"],
    }
    assert (rows[1]["attempt"], rows[1]["status_code"], rows[1]["error"]) == (3, 500, "http_error")
    assert rows[1]["response_excerpt"] == "oops"

    alias = f"/api/v2/webhook_subscriptions/{made['id']}/deliveries?limit=2&page=2"
    page2 = (await client.get(alias, headers=assignor.headers)).json()
    assert [r["id"] for r in page2["_embedded"]["deliveries"]] == [recent[0].id]
    assert page2["page"]["pages"] == 2 and page2["page"]["next_page"] is None
    assert page2["_links"]["prev"]["href"] == (
        f"https://testserver/api/v2/webhooks/subscriptions/{made['id']}/deliveries.json"
        "?limit=2&page=1"
    )
    too_many = await client.get(f"{url}?limit=51", headers=assignor.headers)
    assert too_many.status_code == 422
    assert too_many.json()["errors"] == {"limit": ["must be less than or equal to 50"]}
    # Access before parameters (§5): an outsider's bad limit is still a 403.
    outsider = await create_member(runtime, await create_site(runtime), assignor=True)
    assert (await client.get(f"{url}?limit=51", headers=outsider.headers)).status_code == 403


async def test_deleting_a_subscription_deletes_its_log(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site, assignor = await assignor_site(runtime)
    made = await _subscription(client, assignor.headers, site.id)
    await create_attempts(runtime, made["id"], site.id)
    await client.post(f"/api/v2/webhook_subscriptions/{made['id']}/ping", headers=assignor.headers)
    resp = await client.delete(
        f"/api/v2/webhook_subscriptions/{made['id']}", headers=assignor.headers
    )
    assert resp.status_code == 204
    pings = [e for e in await recorded_events(runtime) if e.topic == PING]
    assert pings == []
    deliveries = await client.get(
        f"/api/v2/webhook_subscriptions/{made['id']}/deliveries", headers=assignor.headers
    )
    assert deliveries.status_code == 404


async def test_lists_use_constant_queries(client: httpx.AsyncClient, runtime: Runtime) -> None:
    """limit=1 and limit=4 issue the same number of statements (full pages: both count)."""
    site, assignor = await assignor_site(runtime)
    subs = [await _subscription(client, assignor.headers, site.id) for _ in range(5)]
    for _ in range(5):
        await create_attempts(runtime, subs[0]["id"], site.id)
    for path in (
        "/api/v2/webhooks/subscriptions",
        f"/api/v2/sites/{site.id}/webhook_subscriptions",
        f"/api/v2/webhooks/subscriptions/{subs[0]['id']}/deliveries",
    ):
        counts = []
        for limit in (1, 4):
            with counting(runtime) as statements:
                resp = await client.get(f"{path}?limit={limit}", headers=assignor.headers)
            assert resp.status_code == 200 and resp.json()["page"]["records"] == 5
            counts.append(len(statements))
        assert counts[0] == counts[1], (path, counts)
