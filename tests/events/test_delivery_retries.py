"""Webhook delivery through the worker to a real loopback receiver (§19.2): retries with the
same body and fresh signatures, redirects and errors as failures, the failed state, the
deactivation rule, the SSRF check at delivery time, and which subscriptions get an event."""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
from pathlib import Path

import pytest

from refdesk.server.config import Settings
from refdesk.server.events.record import record
from refdesk.server.events.topics import RESOURCE_WEBHOOK_SUBSCRIPTION
from refdesk.server.events.worker import Worker
from refdesk.server.runtime import Runtime
from refdesk.server.tls import ensure_local_tls
from tests.factories import create_site
from tests.support.receiver import Received, receiver
from tests.support.webhooks import (
    all_finished,
    attempts,
    create_subscription,
    deliveries,
    delivery_settings,
    record_game_event,
    run_until,
    subscription,
)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return delivery_settings(tmp_path, database_url)


def signature_ok(secret: str, request: Received) -> bool:
    parts = dict(p.split("=", 1) for p in request.header("X-Refdesk-Signature").split(","))
    message = f"{parts['t']}.{request.header('X-Event-Id')}.".encode() + request.body
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return parts["t"] == request.header("X-Refdesk-Timestamp") and hmac.compare_digest(
        expected, parts["v1"]
    )


async def test_fails_twice_then_succeeds_with_same_body_and_fresh_signatures(
    runtime: Runtime,
) -> None:
    site = await create_site(runtime)
    async with receiver(fail=2) as hook:
        sub, secret = await create_subscription(runtime, site.id, hook.url())
        event = await record_game_event(runtime, site.id)
        worker = Worker(runtime, "w1")
        try:
            await run_until(worker, lambda: all_finished(runtime))
        finally:
            await worker.aclose()
        got = hook.requests
    assert len(got) == 3
    assert {r.body for r in got} == {got[0].body}  # byte-identical on every attempt
    assert [r.header("X-Event-Id") for r in got] == [str(event.id)] * 3
    assert [r.header("X-Refdesk-Attempt") for r in got] == ["1", "2", "3"]
    assert all(signature_ok(secret, r) for r in got)
    body = json.loads(got[0].body)
    assert list(body) == ["id", "topic", "timestamp", "site_id", "data", "_links"]
    assert body["id"] == event.id and body["topic"] == "game.created"
    assert body["_links"]["game"]["href"] == "https://refs.example.org/api/v2/games/14532529.json"
    rows = await attempts(runtime)
    assert [r.attempt for r in rows] == [1, 2, 3]
    assert [r.status_code for r in rows] == [500, 500, 200]
    assert [r.error for r in rows] == ["http_error", "http_error", None]
    assert [str(r.id) for r in rows] == [r.header("X-Refdesk-Delivery") for r in got]
    assert rows[0].response_excerpt is not None and len(rows[0].response_excerpt) == 1024
    (delivery,) = await deliveries(runtime)
    assert (delivery.status, delivery.attempts, delivery.locked_by) == ("succeeded", 3, None)
    current = await subscription(runtime, sub.id)
    assert (current.last_delivery_status, current.consecutive_failures) == (200, 0)
    assert current.last_delivery_at is not None


async def test_redirect_is_a_failure_and_all_attempts_failing_marks_it_failed(
    runtime: Runtime,
) -> None:
    site = await create_site(runtime)
    async with receiver(redirect=True) as hook:
        sub, _ = await create_subscription(runtime, site.id, hook.url())
        await record_game_event(runtime, site.id)
        worker = Worker(runtime, "w1")
        try:
            await run_until(worker, lambda: all_finished(runtime))
        finally:
            await worker.aclose()
        assert len(hook.requests) == 7  # the redirect was not followed
    rows = await attempts(runtime)
    assert [r.attempt for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert {(r.status_code, r.error) for r in rows} == {(302, "redirect")}
    (delivery,) = await deliveries(runtime)
    assert (delivery.status, delivery.attempts) == ("failed", 7)
    current = await subscription(runtime, sub.id)
    assert (current.consecutive_failures, current.active) == (1, True)
    assert current.last_delivery_status == 302


async def test_consecutive_failed_events_deactivate_the_subscription(
    runtime: Runtime, tmp_path: Path, database_url: str
) -> None:
    runtime.settings = delivery_settings(
        tmp_path, database_url, webhook_deactivate_after=2, webhook_retry_delays="0"
    )
    site = await create_site(runtime)
    async with receiver(status=503) as hook:
        sub, _ = await create_subscription(runtime, site.id, hook.url())
        await record_game_event(runtime, site.id)
        worker = Worker(runtime, "w1")
        try:
            await run_until(worker, lambda: all_finished(runtime))
            assert (await subscription(runtime, sub.id)).active
            await record_game_event(runtime, site.id)
            await run_until(worker, lambda: all_finished(runtime))
            assert len(hook.requests) == 4  # 2 events x 2 attempts
            current = await subscription(runtime, sub.id)
            assert (current.consecutive_failures, current.active) == (2, False)
            # An inactive subscription gets no new events.
            await record_game_event(runtime, site.id)
            await worker.run_once()
        finally:
            await worker.aclose()
        assert len(hook.requests) == 4
    assert len(await deliveries(runtime)) == 2


async def test_success_resets_consecutive_failures(
    runtime: Runtime, tmp_path: Path, database_url: str
) -> None:
    runtime.settings = delivery_settings(tmp_path, database_url, webhook_retry_delays="0")
    site = await create_site(runtime)
    async with receiver(fail=2) as hook:
        sub, _ = await create_subscription(runtime, site.id, hook.url())
        await record_game_event(runtime, site.id)
        worker = Worker(runtime, "w1")
        try:
            await run_until(worker, lambda: all_finished(runtime))
            assert (await subscription(runtime, sub.id)).consecutive_failures == 1
            await record_game_event(runtime, site.id)
            await run_until(worker, lambda: all_finished(runtime))
        finally:
            await worker.aclose()
    assert (await subscription(runtime, sub.id)).consecutive_failures == 0


async def test_private_target_is_refused_at_delivery_time(
    runtime: Runtime, tmp_path: Path, database_url: str
) -> None:
    site = await create_site(runtime)
    async with receiver() as hook:
        # Accepted while private targets were allowed; the rule is checked again per attempt.
        await create_subscription(runtime, site.id, hook.url())
        runtime.settings = delivery_settings(
            tmp_path, database_url, webhook_allow_private=False, webhook_retry_delays="0"
        )
        await record_game_event(runtime, site.id)
        worker = Worker(runtime, "w1")
        try:
            await run_until(worker, lambda: all_finished(runtime))
        finally:
            await worker.aclose()
        assert hook.requests == []
    rows = await attempts(runtime)
    assert [(r.attempt, r.status_code, r.error) for r in rows] == [
        (1, None, "connection_failed"),
        (2, None, "connection_failed"),
    ]


async def test_a_hanging_receiver_is_a_timeout(
    runtime: Runtime, tmp_path: Path, database_url: str
) -> None:
    runtime.settings = delivery_settings(
        tmp_path, database_url, webhook_timeout=0.5, webhook_retry_delays="0"
    )
    site = await create_site(runtime)
    async with receiver(hang=2) as hook:
        await create_subscription(runtime, site.id, hook.url())
        await record_game_event(runtime, site.id)
        worker = Worker(runtime, "w1")
        try:
            await run_until(worker, lambda: all_finished(runtime))
        finally:
            await worker.aclose()
        assert len(hook.requests) == 2
    assert [(r.status_code, r.error) for r in await attempts(runtime)] == [
        (None, "timeout"),
        (None, "timeout"),
    ]


async def test_a_closed_port_is_connection_failed(
    runtime: Runtime, tmp_path: Path, database_url: str
) -> None:
    runtime.settings = delivery_settings(tmp_path, database_url, webhook_retry_delays="0")
    site = await create_site(runtime)
    async with receiver() as hook:
        url = hook.url()
    await create_subscription(runtime, site.id, url)  # nobody listens there any more
    await record_game_event(runtime, site.id)
    worker = Worker(runtime, "w1")
    try:
        await run_until(worker, lambda: all_finished(runtime))
    finally:
        await worker.aclose()
    assert {r.error for r in await attempts(runtime)} == {"connection_failed"}


async def test_which_subscriptions_receive_an_event(runtime: Runtime) -> None:
    site = await create_site(runtime)
    other_site = await create_site(runtime)
    async with receiver() as hook:
        everything, _ = await create_subscription(runtime, site.id, hook.url("/all"))
        await create_subscription(
            runtime, site.id, hook.url("/cancel"), event_types=["game.cancelled"]
        )
        await create_subscription(runtime, site.id, hook.url("/off"), active=False)
        await create_subscription(runtime, other_site.id, hook.url("/other"))
        await record_game_event(runtime, site.id)
        await record_game_event(runtime, site.id, topic="game.cancelled")
        async with runtime.db.transaction() as session:
            ping = record(
                session,
                topic="ping",
                site_id=site.id,
                resource_type=RESOURCE_WEBHOOK_SUBSCRIPTION,
                resource_id=everything.id,
                subscription_id=everything.id,
            )
        worker = Worker(runtime, "w1")
        try:
            await run_until(worker, lambda: all_finished(runtime))
            # Created after these events: it gets none of them.
            await create_subscription(runtime, site.id, hook.url("/late"))
            await worker.run_once()
        finally:
            await worker.aclose()
        got = sorted((r.path, r.header("X-Event-Type")) for r in hook.requests)
    assert got == [
        ("/all", "game.cancelled"),
        ("/all", "game.created"),
        ("/all", "ping"),
        ("/cancel", "game.cancelled"),
    ]
    ping_body = json.loads(
        next(r.body for r in hook.requests if r.path == "/all" and b'"ping"' in r.body)
    )
    assert ping_body["id"] == ping.id and "game" not in ping_body["_links"]
    assert ping_body["_links"]["resource"]["resource-type"] == "webhook-subscription"


async def test_an_untrusted_certificate_is_a_tls_error(
    runtime: Runtime, tmp_path: Path, database_url: str
) -> None:
    runtime.settings = delivery_settings(tmp_path, database_url, webhook_retry_delays="0")
    local = ensure_local_tls(tmp_path / "receiver-tls")  # a CA nobody trusts
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(local.cert, local.key)
    site = await create_site(runtime)
    async with receiver(tls=context) as hook:
        await create_subscription(runtime, site.id, hook.url())
        await record_game_event(runtime, site.id)
        worker = Worker(runtime, "w1")
        try:
            await run_until(worker, lambda: all_finished(runtime))
        finally:
            await worker.aclose()
        assert hook.requests == []
    assert [(r.status_code, r.error) for r in await attempts(runtime)] == [
        (None, "tls_error"),
        (None, "tls_error"),
    ]
