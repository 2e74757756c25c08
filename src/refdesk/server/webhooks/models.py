"""Webhook subscriptions: where a site's events are POSTed (contract §18.7)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin, UTCDateTime


class WebhookSubscription(IdMixin, TimestampMixin, Base):
    __tablename__ = "webhook_subscriptions"

    site_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True
    )
    target_url: Mapped[str] = mapped_column(String(2000), nullable=False)
    target_method: Mapped[str] = mapped_column(String(8), nullable=False, default="POST")
    event_types: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    description: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # The signing key must be usable to sign, so it cannot be hashed: it is sealed with
    # AES-GCM under a key derived from the server pepper (webhooks/secrets.py). A database
    # dump without the pepper does not reveal it.
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    last_delivery_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_delivery_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Events in a row that failed every attempt; 50 sets ``active`` to false (§19.2).
    consecutive_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
