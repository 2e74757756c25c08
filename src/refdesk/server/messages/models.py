"""Messages (contract §18.8); each recipient address gets one ``events.models.MailJob``."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin

DELIVERY_STATUSES = ("queued", "sent", "failed", "not_configured")


class Message(IdMixin, TimestampMixin, Base):
    __tablename__ = "messages"

    site_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sender_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    recipient_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    # Rolled up from its mail jobs by the worker: queued until every job is done.
    delivery_status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
