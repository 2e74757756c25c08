"""Game requests: an official asks for a vacant slot in an open game (contract §16.6)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin

REQUEST_STATUSES = ("pending", "approved", "declined", "withdrawn")


class GameRequest(IdMixin, TimestampMixin, Base):
    __tablename__ = "game_requests"
    __table_args__ = (
        Index("ix_game_requests_game_status", "game_id", "status"),
        Index("ix_game_requests_user", "user_id", "status"),
        # One pending request per (official, game, position or null) (§16.6).
        Index(
            "uq_game_requests_pending",
            "user_id",
            "game_id",
            text("coalesce(position_id, 0)"),
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    game_id: Mapped[int] = mapped_column(
        Id, ForeignKey("games.id", ondelete="CASCADE"), nullable=False
    )
    position_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("positions.id", ondelete="CASCADE"), nullable=True
    )
    user_id: Mapped[int] = mapped_column(
        Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    comment: Mapped[str | None] = mapped_column(String(500), nullable=True)
    assignment_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("assignments.id", ondelete="SET NULL"), nullable=True
    )
