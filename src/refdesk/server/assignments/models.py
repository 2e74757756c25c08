"""Assignments: one slot of one game for one position, vacant or held by one official."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, LockVersionMixin, TimestampMixin


class Assignment(IdMixin, TimestampMixin, LockVersionMixin, Base):
    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_game_sort", "game_id", "sort_order"),
        # One official holds at most one slot of a game (§16.4); NULLs (vacant) are distinct.
        Index("uq_assignments_official_game", "official_id", "game_id", unique=True),
    )

    game_id: Mapped[int] = mapped_column(
        Id, ForeignKey("games.id", ondelete="CASCADE"), nullable=False
    )
    position_id: Mapped[int] = mapped_column(
        Id, ForeignKey("positions.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)
    official_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    accepted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    declined: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    decline_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    fee: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)

    @property
    def assigned(self) -> bool:
        return self.official_id is not None
