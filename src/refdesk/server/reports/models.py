"""Game reports filed about a game, with who actually worked each slot (§18.4)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin


class GameReport(IdMixin, TimestampMixin, Base):
    __tablename__ = "game_reports"

    game_id: Mapped[int] = mapped_column(
        Id, ForeignKey("games.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    misconduct: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    home_team_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    away_team_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)


class GameReportOfficial(IdMixin, TimestampMixin, Base):
    """One slot of the reported game: who worked it and whether the holder was a no-show."""

    __tablename__ = "game_report_officials"

    report_id: Mapped[int] = mapped_column(
        Id, ForeignKey("game_reports.id", ondelete="CASCADE"), nullable=False, index=True
    )
    assignment_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("assignments.id", ondelete="SET NULL"), nullable=True
    )
    official_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    no_show: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    no_show_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
