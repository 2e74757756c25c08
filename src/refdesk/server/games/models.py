"""Games: one fixture with its time, place, teams, pattern and publication state."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import (
    Base,
    Id,
    IdMixin,
    LockVersionMixin,
    TimestampMixin,
    UTCDateTime,
)


class Game(IdMixin, TimestampMixin, LockVersionMixin, Base):
    __tablename__ = "games"
    __table_args__ = (
        Index("ix_games_site_start", "site_id", "start_time", "id"),
        Index("ix_games_site_local_date", "site_id", "local_date"),
        Index(
            "uq_games_site_user_defined_id",
            "site_id",
            text("lower(user_defined_id)"),
            unique=True,
        ),
    )

    site_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False
    )
    start_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # Local calendar date in the site's time zone (date filters compare against it).
    local_date: Mapped[date] = mapped_column(Date, nullable=False)
    # The explicit end (``user_end_time_formatted``), else null; ``end_time`` is derived.
    explicit_end: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    end_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    venue_id: Mapped[int] = mapped_column(
        Id, ForeignKey("venues.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    subvenue: Mapped[str | None] = mapped_column(String(90), nullable=True)
    age_group_id: Mapped[int] = mapped_column(
        Id, ForeignKey("age_groups.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    home_team_id: Mapped[int] = mapped_column(
        Id, ForeignKey("teams.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    away_team_id: Mapped[int] = mapped_column(
        Id, ForeignKey("teams.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    league_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("leagues.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    game_type_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("game_types.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    gender_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("genders.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    pattern_id: Mapped[int] = mapped_column(
        Id, ForeignKey("patterns.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    assignor_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(1), nullable=False, default="A")
    published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    user_defined_id: Mapped[str | None] = mapped_column(String(90), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(90), nullable=True)
    public_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    private_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    paid_via: Mapped[str | None] = mapped_column(String(90), nullable=True)

    @property
    def cancelled(self) -> bool:
        return is_cancelled(self.status)


def is_cancelled(status: str) -> bool:
    """Cancelled (``C``, paid anyway) or cancelled without pay (``X``)."""
    return status in ("X", "C")
