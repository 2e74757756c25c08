"""Delivering webhooks (contract §19.2): claim due deliveries, write the attempt row, check
the target again, POST the signed body, record the outcome, schedule the retry.

One transaction claims due deliveries (a lease, ``events/claims.py``) and writes one
``WebhookAttempt`` per delivery (its id is ``X-Refdesk-Delivery``); each request then runs
outside any transaction (the worker keeps a bounded number in flight); each outcome is
written, together with others that ended meanwhile, only while this worker still holds the
lease. A worker killed mid-request leaves its lease to expire; the delivery is then claimed
again (the next attempt number) by any worker, so nothing is lost, and a receiver may see
the event twice (at least once).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.db.base import utcnow
from refdesk.server.events import claims, links, signing
from refdesk.server.events.models import Event, WebhookAttempt, WebhookDelivery
from refdesk.server.events.transport import pinned
from refdesk.server.runtime import Runtime
from refdesk.server.webhooks import targets
from refdesk.server.webhooks.models import WebhookSubscription
from refdesk.server.webhooks.secrets import open_secret

log = logging.getLogger("refdesk.worker")
EXCERPT_BYTES = 1024
KEEP_ATTEMPTS = timedelta(days=30)


@dataclass(frozen=True)
class Job:
    """One claimed delivery, with all the request needs (read in the claim transaction)."""

    delivery_id: int
    attempt_id: int
    attempt: int
    subscription_id: int
    target_url: str = field(repr=False)  # may carry a receiver's token in its query
    secret: str | None = field(repr=False)  # never in a repr, a log or an error text
    event: signing.EventFacts


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    excerpt: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.error is None


def _facts(event: Event) -> signing.EventFacts:
    return signing.EventFacts(
        id=event.id,
        topic=event.topic,
        site_id=event.site_id,
        occurred_at=event.occurred_at,
        resource_type=event.resource_type,
        resource_id=event.resource_id,
        game_id=event.game_id,
        # An object by construction (record.py); a row edited by hand must not stop the claim
        # of every other delivery in its batch.
        data=dict(event.data) if isinstance(event.data, dict) else {},
    )


async def claim(runtime: Runtime, worker_id: str, limit: int, now: datetime) -> list[Job]:
    """Claim up to ``limit`` due deliveries of active subscriptions and write their attempt
    rows, in one transaction."""
    async with runtime.db.transaction() as session:
        active = select(WebhookSubscription.id).where(WebhookSubscription.active.is_(True))
        deliveries = await claims.claim_due(
            session,
            WebhookDelivery,
            worker_id=worker_id,
            now=now,
            lease_seconds=runtime.settings.worker_lease_seconds,
            limit=limit,
            where=(WebhookDelivery.subscription_id.in_(active),),
        )
        if not deliveries:
            return []
        # An earlier attempt still without a result was cut off (its worker died or lost its
        # lease): in the log it is a ``timeout``, not a blank that reads like a success.
        await session.execute(
            update(WebhookAttempt)
            .where(
                WebhookAttempt.delivery_id.in_([d.id for d in deliveries]),
                WebhookAttempt.status_code.is_(None),
                WebhookAttempt.error.is_(None),
            )
            .values(error="timeout")
            .execution_options(synchronize_session=False)
        )
        events = {
            e.id: e
            for e in await session.scalars(
                select(Event).where(Event.id.in_({d.event_id for d in deliveries}))
            )
        }
        subscriptions = {
            s.id: s
            for s in await session.scalars(
                select(WebhookSubscription).where(
                    WebhookSubscription.id.in_({d.subscription_id for d in deliveries})
                )
            )
        }
        pending: list[tuple[WebhookDelivery, WebhookAttempt]] = []
        for delivery in deliveries:
            event = events[delivery.event_id]
            attempt = WebhookAttempt(
                delivery_id=delivery.id,
                subscription_id=delivery.subscription_id,
                event_id=event.id,
                topic=event.topic,
                attempt=delivery.attempts,
                created=now,
            )
            session.add(attempt)
            pending.append((delivery, attempt))
        await session.flush()
        jobs: list[Job] = []
        for delivery, attempt in pending:
            subscription = subscriptions[delivery.subscription_id]
            jobs.append(
                Job(
                    delivery_id=delivery.id,
                    attempt_id=attempt.id,
                    attempt=delivery.attempts,
                    subscription_id=subscription.id,
                    target_url=subscription.target_url,
                    secret=open_secret(runtime.hasher, subscription.id, subscription.secret_sealed),
                    event=_facts(events[delivery.event_id]),
                )
            )
        return jobs


def _excerpt(content: bytes) -> str | None:
    if not content:
        return None
    return content[:EXCERPT_BYTES].decode("utf-8", errors="replace")


async def _head_of(response: httpx.Response) -> bytes:
    """The first ``EXCERPT_BYTES`` of the body, and no more read: a receiver answering with
    an endless or huge body must not fill the worker's memory (the body is ignored)."""
    head = b""
    async for chunk in response.aiter_bytes():
        head += chunk
        if len(head) >= EXCERPT_BYTES:
            break
    return head[:EXCERPT_BYTES]


def _classify(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timeout"
    seen: BaseException | None = exc
    while seen is not None:  # httpx wraps ssl errors in ConnectError
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return "tls_error"
        seen = seen.__cause__ or seen.__context__
    return "connection_failed"


async def send(runtime: Runtime, client: httpx.AsyncClient, job: Job) -> Outcome:
    """One attempt: check the target, POST, classify. Never raises for the receiver's faults."""
    started = time.monotonic()

    def done(status: int | None, error: str | None, excerpt: str | None = None) -> Outcome:
        return Outcome(status, error, excerpt, int((time.monotonic() - started) * 1000))

    settings = runtime.settings
    if job.secret is None:
        # Sealed under another secret key: nothing can be signed; never send unsigned.
        log.warning("webhook subscription %s: signing secret cannot be opened", job.subscription_id)
        return done(None, "connection_failed")
    try:
        addresses = await targets.resolve(job.target_url, settings)
    except targets.TargetRefused as refused:
        log.info(
            "webhook subscription %s: target refused (%s)", job.subscription_id, refused.reason
        )
        return done(None, "connection_failed")
    body = signing.body_bytes(job.event, links.base_url(runtime), settings.default_time_zone)
    headers = signing.request_headers(
        secret=job.secret,
        t=int(time.time()),
        event_id=job.event.id,
        topic=job.event.topic,
        body=body,
        delivery_id=job.attempt_id,
        attempt=job.attempt,
    )
    host = urlsplit(job.target_url).hostname or ""
    try:
        async with asyncio.timeout(settings.webhook_timeout):
            with pinned(host, addresses):
                request = client.build_request(
                    "POST", job.target_url, content=body, headers=headers
                )
                response = await client.send(request, stream=True)
                try:
                    content = await _head_of(response)
                finally:
                    await response.aclose()
    except (httpx.HTTPError, OSError, TimeoutError) as exc:
        return done(None, _classify(exc))
    excerpt = _excerpt(content)
    if 200 <= response.status_code < 300:
        return done(response.status_code, None, excerpt)
    if 300 <= response.status_code < 400:
        return done(response.status_code, "redirect", excerpt)
    return done(response.status_code, "http_error", excerpt)


def _next_state(job: Job, outcome: Outcome, delays: tuple[float, ...]) -> tuple[str, float]:
    """(status, seconds until the next attempt) of the delivery after this attempt."""
    if outcome.succeeded:
        return "succeeded", 0.0
    if job.attempt >= len(delays) + 1:
        return "failed", 0.0
    return "pending", delays[min(job.attempt, len(delays)) - 1]


async def finish_all(runtime: Runtime, worker_id: str, outcomes: list[tuple[Job, Outcome]]) -> None:
    """Record the outcomes of several attempts in one transaction (a group commit, with one
    statement per kind of change rather than per attempt). A delivery whose lease this worker
    no longer holds keeps what the worker that took it over records."""
    now = utcnow()
    delays = runtime.settings.retry_delays
    async with runtime.db.transaction() as session:
        await session.execute(
            update(WebhookAttempt),
            [
                {
                    "id": job.attempt_id,
                    "status_code": outcome.status_code,
                    "error": outcome.error,
                    "response_excerpt": outcome.excerpt,
                    "duration_ms": outcome.duration_ms,
                }
                for job, outcome in outcomes
            ],
        )
        states: dict[tuple[str, float], list[int]] = {}
        for job, outcome in outcomes:
            states.setdefault(_next_state(job, outcome, delays), []).append(job.delivery_id)
        kept: set[int] = set()
        for (status, delay), ids in states.items():
            values: dict[str, object] = {"status": status, "locked_by": None, "locked_until": None}
            if status == "pending":
                values["next_attempt_at"] = now + timedelta(seconds=delay)
            else:
                values["finished_at"] = now
            rows = await session.scalars(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(ids), WebhookDelivery.locked_by == worker_id)
                .values(**values)
                .returning(WebhookDelivery.id)
                .execution_options(synchronize_session=False)
            )
            kept.update(rows.all())
        by_subscription: dict[int, list[tuple[Job, Outcome]]] = {}
        for job, outcome in outcomes:
            if job.delivery_id in kept:
                by_subscription.setdefault(job.subscription_id, []).append((job, outcome))
        # In id order: two workers finishing at once lock the shared subscription rows in the
        # same order, so they wait for each other instead of deadlocking.
        for subscription_id, done in sorted(by_subscription.items()):
            await _update_subscription(session, runtime, subscription_id, done, now)
    for job, outcome in outcomes:
        log.info(
            "webhook event %s to subscription %s attempt %s: %s",
            job.event.id,
            job.subscription_id,
            job.attempt,
            outcome.error or outcome.status_code,
        )


async def _update_subscription(
    session: AsyncSession,
    runtime: Runtime,
    subscription_id: int,
    done: list[tuple[Job, Outcome]],
    now: datetime,
) -> None:
    """``last_delivery_*`` from the last attempt; ``consecutive_failures`` reset by a success
    and raised by each event that used its last attempt; deactivation at the threshold."""
    delays = runtime.settings.retry_delays
    reset, failed = False, 0
    for job, outcome in done:
        state = _next_state(job, outcome, delays)[0]
        if state == "succeeded":
            reset, failed = True, 0
        elif state == "failed":
            failed += 1
    sub = WebhookSubscription
    changes: dict[str, object] = {
        "last_delivery_at": now,
        "last_delivery_status": done[-1][1].status_code,
    }
    if reset:
        changes["consecutive_failures"] = failed
    elif failed:
        changes["consecutive_failures"] = sub.consecutive_failures + failed
    await session.execute(
        update(sub)
        .where(sub.id == subscription_id)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if failed:
        await session.execute(
            update(sub)
            .where(
                sub.id == subscription_id,
                sub.consecutive_failures >= runtime.settings.webhook_deactivate_after,
            )
            .values(active=False)
            .execution_options(synchronize_session=False)
        )


async def prune_attempts(runtime: Runtime, now: datetime | None = None) -> int:
    """Delete attempt log rows older than 30 days (§18.7); return how many."""
    cutoff = (now or utcnow()) - KEEP_ATTEMPTS
    async with runtime.db.transaction() as session:
        result = await session.execute(
            delete(WebhookAttempt).where(WebhookAttempt.created < cutoff)
        )
    return int(getattr(result, "rowcount", 0) or 0)
