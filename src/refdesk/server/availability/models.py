"""Availability: when an official can work (contract §17.2). No entry on a date = unavailable."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, LockVersionMixin, TimestampMixin


class Availability(IdMixin, TimestampMixin, LockVersionMixin, Base):
    __tablename__ = "availability"
    __table_args__ = (Index("ix_availability_user_date", "user_id", "date"),)

    user_id: Mapped[int] = mapped_column(
        Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    date: Mapped[date] = mapped_column(Date, nullable=False)
    all_day: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    start_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    end_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    description: Mapped[str] = mapped_column(String(255), nullable=False, default="all day")
