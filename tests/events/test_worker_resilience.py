"""The events worker keeps going when part of its work fails (issue 11 review): a database
error in one part of a round (here: the ``events`` table gone, a real error from the real
database) neither stops the other parts (e-mail still goes out) nor ends ``Worker.run``, which
picks the work up again once the database answers; a corrupt event row does not hold up
the deliveries of others; an outcome the database missed is written later, not sent again;
an endless response body is not read; and a delivery whose request cannot even
be built is recorded as a failed attempt and retried on the schedule, not left claimed."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from refdesk.server.config import Settings
from refdesk.server.events.mail_queue import enqueue_mail
from refdesk.server.events.models import Event, MailJob
from refdesk.server.events.worker import RoundFailed, Worker
from refdesk.server.runtime import Runtime
from tests.factories import create_site
from tests.support.receiver import receiver
from tests.support.webhooks import (
    all_finished,
    attempts,
    create_subscription,
    deliveries,
    delivery_settings,
    record_game_event,
    run_until,
)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return delivery_settings(tmp_path, database_url, worker_poll_seconds=0.05)


@contextlib.asynccontextmanager
async def table_gone(runtime: Runtime, table: str = "events") -> AsyncIterator[None]:
    """``table`` renamed away for the block: every statement on it fails."""
    async with runtime.db.transaction() as session:
        await session.execute(text(f"ALTER TABLE {table} RENAME TO {table}_away"))
    try:
        yield
    finally:
        async with runtime.db.transaction() as session:
            await session.execute(text(f"ALTER TABLE {table}_away RENAME TO {table}"))


async def _mail_status(runtime: Runtime, job_id: int) -> str:
    async with runtime.db.session() as session:
        status = await session.scalar(select(MailJob.status).where(MailJob.id == job_id))
    assert status is not None
    return status


async def _dispatched(runtime: Runtime, event_id: int) -> bool:
    async with runtime.db.session() as session:
        at = await session.scalar(select(Event.dispatched_at).where(Event.id == event_id))
    return at is not None


async def test_a_failing_part_does_not_stop_the_others_nor_the_worker(runtime: Runtime) -> None:
    site = await create_site(runtime)
    event = await record_game_event(runtime, site.id)
    async with runtime.db.transaction() as session:
        job = enqueue_mail(
            session,
            kind="message",
            to_address="official@example.org",
            subject="Field change",
            text_body="Games at Riverside move to Field 3.",
            site_id=site.id,
        )
        await session.flush()
        job_id = job.id
    worker = Worker(runtime, "resilient")
    stop = asyncio.Event()
    task: asyncio.Task[None] | None = None
    try:
        async with table_gone(runtime):
            with pytest.raises(RoundFailed) as failed:
                await worker.run_once()
            assert failed.value.parts == ["dispatch"]
            # Dispatching failed, yet the same round sent the e-mail (to a file: no server).
            assert await _mail_status(runtime, job_id) == "not_configured"

            task = asyncio.create_task(worker.run(stop))
            await asyncio.sleep(0.5)  # several failing rounds (poll 0.05 s)
            assert not task.done(), task
        # The database answers again: the running worker dispatches the event by itself.
        deadline = time.monotonic() + 15
        while not await _dispatched(runtime, event.id):
            assert task is not None and not task.done(), task
            assert time.monotonic() < deadline, "the worker did not recover"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        if task is not None:
            await asyncio.wait_for(task, 10)
        await worker.aclose()


async def test_a_target_that_cannot_be_requested_is_a_failed_attempt_not_a_stuck_claim(
    runtime: Runtime,
) -> None:
    """A subscription stored before ``target_url`` was checked for control characters: httpx
    cannot build the request. Each attempt is logged as failed and the delivery ends
    ``failed`` after the schedule (before: the attempt was never recorded and the delivery
    was claimed again, without result, every time its lease ran out)."""
    site = await create_site(runtime)
    await create_subscription(runtime, site.id, "http://127.0.0.1:9/hook\x7f")
    await record_game_event(runtime, site.id)
    worker = Worker(runtime, "bad-target")
    try:
        await run_until(worker, lambda: all_finished(runtime), within=15)
    finally:
        await worker.aclose()
    [delivery] = await deliveries(runtime)
    assert (delivery.status, delivery.attempts, delivery.locked_by) == ("failed", 7, None)
    logged = await attempts(runtime)
    assert [(a.attempt, a.status_code, a.error) for a in logged] == [
        (n, None, "connection_failed") for n in range(1, 8)
    ]


async def test_a_corrupt_event_row_does_not_hold_up_the_other_deliveries(
    runtime: Runtime,
) -> None:
    """An event row whose ``data`` is not an object (edited by hand): its e-mail planning
    fails alone (a savepoint), and claiming its delivery must not fail the claim of every
    delivery in the batch; both events reach the receiver."""
    site = await create_site(runtime)
    await create_subscription(runtime, site.id, "http://127.0.0.1:9/hook")
    bad = await record_game_event(runtime, site.id, topic="game.official.changed")
    async with runtime.db.transaction() as session:
        await session.execute(update(Event).where(Event.id == bad.id).values(data=["corrupt"]))
    good = await record_game_event(runtime, site.id)
    worker = Worker(runtime, "corrupt")
    try:
        await worker.run_once()
        await worker.drain()
    finally:
        await worker.aclose()
    assert await _dispatched(runtime, good.id) and await _dispatched(runtime, bad.id)
    logged = await attempts(runtime)
    # Port 9 refuses: what matters is that both were attempted (and the outcome recorded).
    assert sorted((a.event_id, a.error) for a in logged) == [
        (bad.id, "connection_failed"),
        (good.id, "connection_failed"),
    ]


async def test_an_outcome_the_database_missed_is_written_next_round_not_sent_again(
    runtime: Runtime,
) -> None:
    """The receiver answered 200 while the database was failing: the worker keeps the outcome
    and writes it in its next round (its lease still holds), instead of dropping it and,
    once the lease runs out, sending the event again."""
    site = await create_site(runtime)
    async with receiver(hang=1) as hook:
        await create_subscription(runtime, site.id, hook.url())
        await record_game_event(runtime, site.id)
        worker = Worker(runtime, "blip")
        try:
            await worker.run_once()
            await hook.wait_for(lambda got: len(got) == 1)
            async with table_gone(runtime, "webhook_attempts"):
                hook.released.set()
                await worker.drain()  # the outcome write fails (logged), the lease holds
                [held] = await deliveries(runtime)
                assert (held.status, held.locked_by) == ("pending", "blip")
            await worker.run_once()
            await worker.drain()
        finally:
            await worker.aclose()
        [done] = await deliveries(runtime)
        assert (done.status, done.attempts, done.locked_by) == ("succeeded", 1, None)
        assert [(a.attempt, a.status_code, a.error) for a in await attempts(runtime)] == [
            (1, 200, None)
        ]
        assert len(hook.requests) == 1


async def test_an_endless_response_body_is_not_read_beyond_the_excerpt(runtime: Runtime) -> None:
    """The receiver answers 200 with a body that never ends: the attempt succeeds with the
    first 1 KiB as its excerpt (before: the worker read the body until the timeout, into
    memory, and logged a success as a ``timeout``)."""
    site = await create_site(runtime)
    async with receiver(endless=True) as hook:
        await create_subscription(runtime, site.id, hook.url())
        await record_game_event(runtime, site.id)
        worker = Worker(runtime, "endless")
        try:
            await run_until(worker, lambda: all_finished(runtime), within=15)
        finally:
            await worker.aclose()
    [attempt] = await attempts(runtime)
    assert (attempt.status_code, attempt.error) == (200, None)
    assert attempt.response_excerpt == ("endless " * 128)[:1024]
