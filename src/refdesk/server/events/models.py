"""The outbox and what the worker makes of it: webhook deliveries (one per event and
subscription, with their attempt log) and e-mail jobs (one per recipient address)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, UTCDateTime, utcnow


class Event(IdMixin, Base):
    """One §19.1 event, written in the same transaction as the change that caused it.

    ``dispatched_at`` is set once the worker has fanned it out (webhook deliveries and
    e-mail jobs are created in that same transaction), so an event is fanned out once.
    """

    __tablename__ = "events"

    topic: Mapped[str] = mapped_column(String(64), nullable=False)
    site_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # ``_links.resource``: its resource-type (events/topics.py) and id; no foreign key, since
    # the record may be gone (game.deleted, a removed slot).
    resource_type: Mapped[str] = mapped_column(String(32), nullable=False)
    resource_id: Mapped[int] = mapped_column(Id, nullable=False)
    # ``_links.game``; null when the topic has none (availability.changed, ping).
    game_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # Who made the change (null: the system, e.g. the worker or a migration).
    actor_account_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    # Set only for ``ping``: the one subscription it goes to.
    subscription_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=True
    )
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_events_undispatched", "dispatched_at", "id"),)


class WebhookDelivery(IdMixin, Base):
    """Delivering one event to one subscription: up to 7 attempts on the §19.2 schedule.

    A worker claims a due row by setting ``locked_until`` (a lease); a worker killed
    mid-delivery leaves the lease to expire and another worker (or its restart) retries.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    event_id: Mapped[int] = mapped_column(
        Id, ForeignKey("events.id", ondelete="CASCADE"), nullable=False
    )
    subscription_id: Mapped[int] = mapped_column(
        Id, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # pending (waiting for an attempt), succeeded, failed (all attempts used).
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    locked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookAttempt(IdMixin, Base):
    """One HTTP attempt: the §18.7 ``deliveries`` log (``id`` = ``X-Refdesk-Delivery``).

    Written before the request is sent (so its id can be signed into the headers) and
    completed after; kept 30 days.
    """

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_subscription", "subscription_id", "id"),)

    delivery_id: Mapped[int] = mapped_column(
        Id, ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False, index=True
    )
    subscription_id: Mapped[int] = mapped_column(
        Id, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=False
    )
    event_id: Mapped[int] = mapped_column(Id, nullable=False)
    topic: Mapped[str] = mapped_column(String(64), nullable=False)
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # timeout, connection_failed, tls_error, redirect, http_error, or null (§18.7).
    error: Mapped[str | None] = mapped_column(String(32), nullable=True)
    response_excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class MailJob(IdMixin, Base):
    """One e-mail to one address, rendered when queued; sent by the worker (or written as an
    ``.eml`` file under ``<data dir>/mail/`` when no mail server is configured)."""

    __tablename__ = "mail_jobs"
    __table_args__ = (Index("ix_mail_jobs_due", "status", "next_attempt_at"),)

    # assigned, changed, removed, reminder, declined, digest, message, invitation,
    # password_reset (events/notifications.py, messages/, accounts/).
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    site_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=True, index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    account_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    message_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("messages.id", ondelete="CASCADE"), nullable=True, index=True
    )
    event_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    text_body: Mapped[str] = mapped_column(Text, nullable=False)
    html_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    # queued, sent, failed, not_configured (written to <data dir>/mail/ instead).
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    locked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class NotificationMark(IdMixin, Base):
    """A scheduled notification already queued, so it is queued once: a reminder per slot and
    game start, a digest per site and local day. The unique key is the guard, also between
    several workers."""

    __tablename__ = "notification_marks"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    key: Mapped[str] = mapped_column(String(128), nullable=False)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
