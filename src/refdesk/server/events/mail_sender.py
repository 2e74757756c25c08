"""Sending queued e-mail (``MailJob``): SMTP when ``mail_host`` is set, otherwise an .eml
file under ``<data dir>/mail/``; retries on the §19.2 schedule.

A call claims a batch of due jobs (a lease, ``claims.claim_due``), sends them one by one over
one SMTP connection in a worker thread, and finishes each in its own short transaction, only
while the lease is still this worker's (``claims.still_mine``). The database is never held
open while a mail server is talked to. A job's ``message_id`` ties it to a site message, whose
``delivery_status`` is rolled up once all of its jobs are done.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from anyio import to_thread
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.db.base import utcnow
from refdesk.server.events.claims import claim_due, still_mine
from refdesk.server.events.mail_message import BadSender, OutgoingMail, UnsendableMail, envelope
from refdesk.server.events.mail_transport import Outcome, SmtpTransport, write_eml
from refdesk.server.events.models import MailJob
from refdesk.server.messages.mail import reply_address
from refdesk.server.messages.models import Message
from refdesk.server.runtime import Runtime

log = logging.getLogger("refdesk.mail")

# Jobs per claim: small enough that a batch usually ends well within the lease.
BATCH = 20
# A batch that is still sending after this share of its lease gives the rest back.
LEASE_SHARE = 0.75


async def send_due(runtime: Runtime, worker_id: str) -> int:
    """Claim and send the e-mails that are due; return how many were handled."""
    settings = runtime.settings
    claimed_at = utcnow()
    async with runtime.db.transaction() as session:
        jobs = await claim_due(
            session,
            MailJob,
            worker_id=worker_id,
            now=claimed_at,
            lease_seconds=settings.worker_lease_seconds,
            limit=BATCH,
        )
        mails = [await _with_reply_to(session, OutgoingMail.of(job)) for job in jobs]
    if not mails:
        return 0
    # Past this point another worker may soon take the rest: give it back instead.
    give_back_at = claimed_at + timedelta(seconds=settings.worker_lease_seconds * LEASE_SHARE)
    transport = SmtpTransport(settings) if settings.mail_configured else None
    lost: Outcome | None = None  # the connection failed: the rest of the batch waits too
    handled = 0
    try:
        for position, mail in enumerate(mails):
            if lost is None and utcnow() >= give_back_at:
                await release(runtime, worker_id, mails[position:])
                break
            outcome = lost or await _attempt(runtime, transport, mail)
            if outcome.connection_lost:
                lost = outcome
            await finish(runtime, worker_id, mail, outcome)
            handled += 1
    finally:
        if transport is not None:
            await to_thread.run_sync(transport.close)
    return handled


async def _with_reply_to(session: AsyncSession, mail: OutgoingMail) -> OutgoingMail:
    """A site message's e-mail answers to its sender (looked up, not stored per job)."""
    if mail.message_id is None:
        return mail
    return replace(mail, reply_to=await reply_address(session, mail.message_id))


async def release(runtime: Runtime, worker_id: str, mails: list[OutgoingMail]) -> None:
    """Give unsent jobs of a batch back to the queue, due at once, the attempt not counted."""
    async with runtime.db.transaction() as session:
        for mail in mails:
            await session.execute(
                update(MailJob)
                .where(still_mine(MailJob, mail.job_id, worker_id))
                .values(locked_by=None, locked_until=None, attempts=MailJob.attempts - 1)
            )


async def _attempt(
    runtime: Runtime, transport: SmtpTransport | None, mail: OutgoingMail
) -> Outcome:
    settings = runtime.settings
    try:
        message = envelope(mail, settings.mail_from)
    except UnsendableMail as exc:
        return Outcome("failed", str(exc))
    except BadSender as exc:
        return Outcome("retry", str(exc), connection_lost=True)
    except Exception as exc:  # the same job fails the same way every time: give up on it
        log.error("mail job %s: message not built: %s", mail.job_id, type(exc).__name__)
        return Outcome("failed", f"message not built ({type(exc).__name__})")
    try:
        if transport is None:
            return await to_thread.run_sync(write_eml, settings, mail.file_name, message.data)
        return await to_thread.run_sync(transport.send, message)
    except Exception as exc:
        # Finished as a retry like any connection failure, not left claimed (the batch with
        # it) until the lease runs out, round after round, its attempts never running out.
        log.error("mail job %s: sending failed: %s", mail.job_id, type(exc).__name__)
        if transport is not None:
            await to_thread.run_sync(transport.close)
        return Outcome("retry", f"sending failed ({type(exc).__name__})", connection_lost=True)


def _finished_values(runtime: Runtime, mail: OutgoingMail, outcome: Outcome) -> dict[str, Any]:
    now = utcnow()
    values: dict[str, Any] = {"locked_by": None, "locked_until": None}
    delays = runtime.settings.retry_delays
    if outcome.status in ("sent", "not_configured"):
        values.update(status=outcome.status, sent_at=now, last_error=None)
    elif outcome.status == "retry" and mail.attempts <= len(delays):
        next_at = now + timedelta(seconds=delays[mail.attempts - 1])
        values.update(status="queued", next_attempt_at=next_at, last_error=outcome.error)
    else:  # permanent, or the last attempt of the schedule
        values.update(status="failed", last_error=outcome.error)
    return values


async def finish(runtime: Runtime, worker_id: str, mail: OutgoingMail, outcome: Outcome) -> bool:
    """Record ``outcome`` on the job unless another worker took it over (the lease ran out);
    roll its message up. False: the job was no longer this worker's."""
    values = _finished_values(runtime, mail, outcome)
    async with runtime.db.transaction() as session:
        result = await session.execute(
            update(MailJob).where(still_mine(MailJob, mail.job_id, worker_id)).values(**values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            log.warning("mail job %s: no longer this worker's; result not recorded", mail.job_id)
            return False
        if mail.message_id is not None:
            await roll_up(session, mail.message_id)
    if values["status"] == "failed" or outcome.status == "retry":
        log.warning(
            "mail job %s (%s), attempt %s: %s%s",
            mail.job_id,
            mail.kind,
            mail.attempts,
            outcome.error,
            "" if values["status"] == "failed" else " (will retry)",
        )
    return True


def rolled_up(counts: Mapping[str, int]) -> str | None:
    """A message's ``delivery_status`` from its jobs' statuses (None: not all done yet)."""
    if counts.get("queued") or not counts:
        return None
    if counts.get("failed"):
        return "failed"
    if counts.get("not_configured"):
        return "not_configured"
    return "sent"


async def roll_up(session: AsyncSession, message_id: int) -> None:
    """Once every job of the message is done: any failed → ``failed``; any written to a file →
    ``not_configured``; else ``sent``. The message row is locked first, so of two workers
    finishing its last two jobs at once, the second sees the first's result."""
    message = await session.scalar(
        select(Message).where(Message.id == message_id).with_for_update()
    )
    if message is None:
        return
    rows = await session.execute(
        select(MailJob.status, func.count())
        .where(MailJob.message_id == message_id)
        .group_by(MailJob.status)
    )
    status = rolled_up({row[0]: int(row[1]) for row in rows})
    if status is not None and status != message.delivery_status:
        message.delivery_status = status
