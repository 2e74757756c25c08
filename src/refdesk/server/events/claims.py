"""Claiming due work (webhook deliveries, e-mail jobs) so that several workers share a queue
without doing anything twice, and a worker that dies mid-job loses nothing.

A claim is a lease: the row gets ``locked_by`` and ``locked_until`` (now + the lease) and
one more ``attempts``. A row is due when it is waiting, its ``next_attempt_at`` has come and
nobody holds a live lease on it. On PostgreSQL the candidate rows are locked with ``FOR UPDATE
SKIP LOCKED``, so concurrent workers claim disjoint rows; on SQLite the write transaction
(``BEGIN IMMEDIATE``) already serialises claimers. Finishing a job checks ``locked_by`` so a
worker whose lease ran out (and whose row another worker took) does not overwrite the result.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.events.models import MailJob, WebhookDelivery

Job = TypeVar("Job", WebhookDelivery, MailJob)

WAITING = {WebhookDelivery: "pending", MailJob: "queued"}


async def claim_due(
    session: AsyncSession,
    model: type[Job],
    *,
    worker_id: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
    where: tuple[Any, ...] = (),
) -> list[Job]:
    """Claim up to ``limit`` due rows of ``model`` for ``worker_id`` in ``session``'s
    transaction (the caller commits); return them, ``attempts`` already counted."""
    due = (
        select(model.id)
        .where(
            model.status == WAITING[model],
            model.next_attempt_at <= now,
            or_(model.locked_until.is_(None), model.locked_until < now),
            *where,
        )
        .order_by(model.next_attempt_at, model.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=model)
    ids = list((await session.scalars(due)).all())
    if not ids:
        return []
    await session.execute(
        update(model)
        .where(model.id.in_(ids))
        .values(
            locked_by=worker_id,
            locked_until=now + timedelta(seconds=lease_seconds),
            attempts=model.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    rows = await session.scalars(
        select(model)
        .where(model.id.in_(ids))
        .order_by(model.id)
        .execution_options(populate_existing=True)
    )
    return list(rows.all())


def still_mine(model: type[Job], job_id: int, worker_id: str) -> Any:
    """The WHERE clause that finishes a job only while this worker still holds it."""
    return (model.id == job_id) & (model.locked_by == worker_id)
