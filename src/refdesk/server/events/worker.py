"""The events worker: fans events out, delivers webhooks, sends e-mail, queues reminders.

``run_once`` does one round of everything; ``run`` repeats it until told to stop, sleeping
``worker_poll_seconds`` between rounds that found nothing to do (a busy round loops at
once). Several workers (processes, hosts) may run against one database: dispatching locks
its events, deliveries and e-mails are claimed with leases (``claims.py``), reminders are
guarded by ``NotificationMark``. Log lines name events and subscriptions by id only, never a
secret, a body or a target URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from refdesk.server.db.base import utcnow
from refdesk.server.events import delivery, dispatch, mail_sender, schedules
from refdesk.server.events.transport import make_client
from refdesk.server.runtime import Runtime

log = logging.getLogger("refdesk.worker")
# Deliveries in flight at once per worker (also the connection pool's size).
DEFAULT_CONCURRENCY = 16
DISPATCH_BATCH = 200
PRUNE_EVERY_SECONDS = 3600.0


def default_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


class RoundFailed(Exception):
    """Parts of a round failed (each already logged); the others ran."""

    def __init__(self, parts: list[str]) -> None:
        super().__init__(", ".join(parts))
        self.parts = parts


@dataclass
class Round:
    """What one round did."""

    dispatched: int = 0
    delivered: int = 0
    mailed: int = 0
    scheduled: int = 0

    @property
    def busy(self) -> bool:
        return bool(self.dispatched or self.delivered or self.mailed or self.scheduled)


class Worker:
    def __init__(
        self,
        runtime: Runtime,
        worker_id: str | None = None,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.runtime = runtime
        self.worker_id = worker_id or default_worker_id()
        self.concurrency = concurrency
        self._client: httpx.AsyncClient | None = None
        self._pruned_at = 0.0
        self._in_flight: set[asyncio.Task[None]] = set()
        self._outcomes: list[tuple[delivery.Job, delivery.Outcome]] = []
        # This worker's write transactions one at a time (claims, outcomes, fan-out).
        self._writes = asyncio.Lock()
        self.wake = asyncio.Event()
        # When outcomes kept after a failed write were first kept (``_record_outcomes``).
        self._outcomes_kept_since: float | None = None
        # The parts of the current round that failed (``run_once`` raises RoundFailed).
        self.failures: list[str] = []

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = make_client(self.runtime.settings.webhook_timeout, self.concurrency)
        return self._client

    async def drain(self) -> None:
        """Wait for the deliveries in flight to finish."""
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    async def aclose(self) -> None:
        await self.drain()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def run_once(self) -> Round:
        """One round: dispatch new events, deliver due webhooks, send due e-mail, queue
        scheduled notifications. Each part runs even when another fails (a bad event must not
        stop e-mail, nor a mail server webhooks); then :class:`RoundFailed` names the parts
        that failed."""
        done = Round()
        self.failures = []
        await self._step("webhook outcomes", self._retry_outcomes)
        done.dispatched = await self._step("dispatch", self._dispatch)
        done.delivered = await self._step("webhook claim", self._start_deliveries)
        done.mailed = await self._step(
            "mail", lambda: mail_sender.send_due(self.runtime, self.worker_id)
        )
        done.scheduled = await self._step(
            "schedules", lambda: schedules.run_due(self.runtime, utcnow())
        )
        if time.monotonic() - self._pruned_at > PRUNE_EVERY_SECONDS:
            self._pruned_at = time.monotonic()
            await self._step("prune", lambda: delivery.prune_attempts(self.runtime))
        if self.failures:
            raise RoundFailed(self.failures)
        return done

    async def _step(self, name: str, step: Callable[[], Awaitable[int]]) -> int:
        """Run one part of a round; a failure (the database is down, one bad row) is logged
        and noted, and does not keep the other parts from running."""
        try:
            return await step()
        except Exception as exc:
            log.error("events worker %s failed: %s", name, type(exc).__name__)
            self.failures.append(name)
            return 0

    async def _dispatch(self) -> int:
        async with self._writes:
            return await dispatch.dispatch_pending(self.runtime, DISPATCH_BATCH)

    async def _start_deliveries(self) -> int:
        """Claim as many due deliveries as there is room in flight for and start them; they
        finish in the background (``wake`` is set as each one ends)."""
        room = self.concurrency - len(self._in_flight)
        # Claim in batches (half the slots at least), not one claim transaction per slot.
        if room <= 0 or (self._in_flight and room < max(1, self.concurrency // 2)):
            return 0
        async with self._writes:
            jobs = await delivery.claim(self.runtime, self.worker_id, room, utcnow())
        for job in jobs:
            task = asyncio.create_task(self._deliver(job))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(jobs)

    async def _deliver(self, job: delivery.Job) -> None:
        try:
            try:
                outcome = await delivery.send(self.runtime, self.client, job)
            except Exception as exc:
                # Recorded as a failed attempt (retried on the schedule), not left claimed
                # until the lease runs out, again and again, without a result.
                log.error(
                    "webhook subscription %s: attempt failed: %s",
                    job.subscription_id,
                    type(exc).__name__,
                )
                outcome = delivery.Outcome(None, "connection_failed", None, 0)
            self._outcomes.append((job, outcome))
            await self._record_outcomes()
        finally:
            self.wake.set()

    async def _record_outcomes(self) -> None:
        """Write every outcome waiting, in one transaction; a task whose outcome another
        task's write already took finds nothing left to do."""
        async with self._writes:
            batch, self._outcomes = self._outcomes, []
            if not batch:
                return
            try:
                await delivery.finish_all(self.runtime, self.worker_id, batch)
            except Exception as exc:
                log.error("%d webhook outcomes not recorded (%s)", len(batch), type(exc).__name__)
                # Kept for the next round, while their leases surely hold: a short database
                # failure then costs no second request. Past that, dropped: the deliveries
                # are claimed again when their leases run out (at least once).
                if time.monotonic() < self._keep_outcomes_until():
                    self._outcomes = batch + self._outcomes
                else:
                    self._outcomes_kept_since = None
                    return
                if self._outcomes_kept_since is None:
                    self._outcomes_kept_since = time.monotonic()
                return
            self._outcomes_kept_since = None

    def _keep_outcomes_until(self) -> float:
        since = self._outcomes_kept_since or time.monotonic()
        return since + self.runtime.settings.worker_lease_seconds / 2

    async def _retry_outcomes(self) -> int:
        """Write the outcomes an earlier round could not (see ``_record_outcomes``)."""
        if self._outcomes:
            await self._record_outcomes()
        return 0

    async def run(self, stop: asyncio.Event) -> None:
        """Rounds until ``stop`` is set; a failing round is logged and retried after a pause
        (e.g. the database is down), it does not end the worker."""
        poll = self.runtime.settings.worker_poll_seconds
        log.info("events worker %s started", self.worker_id)
        try:
            while not stop.is_set():
                busy = False
                try:
                    busy = (await self.run_once()).busy
                except Exception as exc:
                    log.error("events worker round failed: %s", type(exc).__name__)
                if busy:
                    await asyncio.sleep(0)
                    continue
                await self._pause(stop, poll)
        finally:
            await self.aclose()
            log.info("events worker %s stopped", self.worker_id)

    async def _pause(self, stop: asyncio.Event, seconds: float) -> None:
        """Sleep ``seconds``, or less when stopped or woken (``self.wake``)."""
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
            self.wake.clear()
