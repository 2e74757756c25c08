"""Auto-assign proposals (issue 14): one request to fill a site's slots in a date range,
solved off the request path; the result is kept as JSON until applied or discarded."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin, UTCDateTime

QUEUED, SOLVING, DONE, FAILED = "queued", "solving", "done", "failed"
STATUSES = (QUEUED, SOLVING, DONE, FAILED)


class AutoAssignProposal(IdMixin, TimestampMixin, Base):
    __tablename__ = "auto_assign_proposals"
    __table_args__ = (Index("ix_auto_assign_proposals_status", "status", "started_at"),)

    site_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=QUEUED)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    # fills, empty slots with reasons, objective parts, bound, timings (jobs.result_of).
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Who is solving it now (a random token per run): only that run may save the result.
    claim: Mapped[str | None] = mapped_column(String(36), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # What apply did: assignment ids applied, and the fills skipped with the reason.
    applied: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
