"""Several workers share the mail queue: a job is sent once, a live lease is respected, a dead
worker's job is taken over, and the dead worker's late result does not overwrite it. The
concurrent case is meaningful on PostgreSQL (``FOR UPDATE SKIP LOCKED``); on SQLite the
write transactions take turns."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from refdesk.server.db.base import utcnow
from refdesk.server.events.claims import claim_due
from refdesk.server.events.mail_message import OutgoingMail
from refdesk.server.events.mail_sender import BATCH, finish, send_due
from refdesk.server.events.mail_transport import Outcome
from refdesk.server.events.models import MailJob
from refdesk.server.runtime import Runtime
from tests.support.mail import mail_job, mail_jobs, queue_mail, send_all
from tests.support.smtp import SmtpServer, running_smtp, use_smtp


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    async with running_smtp() as server:
        yield server


async def test_two_workers_never_send_one_job_twice(runtime: Runtime, smtp: SmtpServer) -> None:
    use_smtp(runtime, smtp)
    total = BATCH * 3
    for n in range(total):
        await queue_mail(runtime, to_address=f"official{n}@example.org")

    handled = await asyncio.gather(
        send_all(runtime, "worker-a"), send_all(runtime, "worker-b"), send_all(runtime, "worker-c")
    )

    assert sum(handled) == total
    ids = Counter(received.message["Message-ID"] for received in smtp.received)
    assert len(ids) == total and set(ids.values()) == {1}
    jobs = await mail_jobs(runtime)
    assert {(job.status, job.attempts) for job in jobs} == {("sent", 1)}


async def claim_all(runtime: Runtime, worker_id: str, lease_seconds: float) -> list[MailJob]:
    async with runtime.db.transaction() as session:
        return await claim_due(
            session,
            MailJob,
            worker_id=worker_id,
            now=utcnow(),
            lease_seconds=lease_seconds,
            limit=10,
        )


async def test_a_live_lease_is_respected_and_an_expired_one_taken_over(
    runtime: Runtime, smtp: SmtpServer
) -> None:
    use_smtp(runtime, smtp)
    busy = await queue_mail(runtime, to_address="busy@example.org")
    (claimed,) = await claim_all(runtime, "worker-busy", lease_seconds=600)
    assert claimed.id == busy
    assert await send_due(runtime, "worker-2") == 0  # its lease is live

    dead = await queue_mail(runtime, to_address="dead@example.org")
    (stale,) = await claim_all(runtime, "worker-dead", lease_seconds=-1)  # expired at once
    assert stale.id == dead
    assert await send_due(runtime, "worker-2") == 1
    assert [r.rcpt_tos for r in smtp.received] == [["dead@example.org"]]
    taken_over = await mail_job(runtime, dead)
    assert (taken_over.status, taken_over.attempts) == ("sent", 2)

    # The dead worker comes back with a result: not recorded, the job stays sent.
    late = OutgoingMail.of(stale)
    assert not await finish(runtime, "worker-dead", late, Outcome("failed", "550 too late"))
    assert (await mail_job(runtime, dead)).status == "sent"


async def test_a_slow_batch_gives_back_what_it_cannot_send_within_its_lease(
    runtime: Runtime, smtp: SmtpServer
) -> None:
    use_smtp(runtime, smtp, worker_lease_seconds=1.0)
    smtp.handler.data_delay = 0.8  # one e-mail outlasts 3/4 of the lease
    for n in range(5):
        await queue_mail(runtime, to_address=f"official{n}@example.org")

    sent = await send_due(runtime, "worker-1")
    assert sent <= 1  # (0 only if claiming alone took 3/4 of the lease)
    jobs = await mail_jobs(runtime)
    assert [job.status for job in jobs] == ["sent"] * sent + ["queued"] * (5 - sent)
    for job in jobs[sent:]:  # given back: unlocked, due, the attempt not counted
        assert (job.locked_by, job.locked_until, job.attempts) == (None, None, 0)

    smtp.handler.data_delay = 0.0
    assert await send_due(runtime, "worker-2") == 5 - sent
    assert len(smtp.received) == 5
    assert {(job.status, job.attempts) for job in await mail_jobs(runtime)} == {("sent", 1)}
