"""Mail jobs in tests: queue one as a service would, read them back, run the sender."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from refdesk.server.db.base import utcnow
from refdesk.server.events.mail_queue import enqueue_mail
from refdesk.server.events.mail_sender import send_due
from refdesk.server.events.models import MailJob
from refdesk.server.runtime import Runtime


async def queue_mail(runtime: Runtime, **fields: Any) -> int:
    """Queue one job (``enqueue_mail``'s arguments; sensible defaults) and return its id."""
    values: dict[str, Any] = {
        "kind": "assigned",
        "to_address": "kim@example.org",
        "subject": "You have a new game",
        "text_body": "Hello Kim,\nyou are on a game.\n",
        "html_body": "<p>Hello Kim,<br>you are on a <b>game</b>.</p>",
    }
    values.update(fields)
    async with runtime.db.transaction() as session:
        job = enqueue_mail(session, **values)
        await session.flush()
        return job.id


async def mail_jobs(runtime: Runtime) -> list[MailJob]:
    async with runtime.db.session() as session:
        return list((await session.scalars(select(MailJob).order_by(MailJob.id))).all())


async def mail_job(runtime: Runtime, job_id: int) -> MailJob:
    async with runtime.db.session() as session:
        job = await session.get(MailJob, job_id)
        assert job is not None
        return job


async def make_due(runtime: Runtime) -> None:
    """Move every waiting job's next attempt into the past (instead of waiting for it)."""
    async with runtime.db.transaction() as session:
        await session.execute(
            update(MailJob)
            .where(MailJob.status == "queued")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


async def send_all(runtime: Runtime, worker_id: str = "worker-1", rounds: int = 50) -> int:
    """Call ``send_due`` until nothing is due (at most ``rounds`` times); jobs handled."""
    handled = 0
    for _ in range(rounds):
        count = await send_due(runtime, worker_id)
        if not count:
            break
        handled += count
    return handled
