"""What an assignor records about an official: conflicts (§17.3) and abilities (§17.4)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin

CONFLICT_KINDS = ("team", "league", "venue", "official")


class OfficialConflict(IdMixin, TimestampMixin, Base):
    __tablename__ = "official_conflicts"
    # One conflict per (official, kind, target): exactly one target column is set (§17.3).
    __table_args__ = (
        Index(
            "uq_official_conflicts_target",
            "user_id",
            "kind",
            text("coalesce(team_id, league_id, venue_id, other_user_id)"),
            unique=True,
        ),
    )

    user_id: Mapped[int] = mapped_column(
        Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    team_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("teams.id", ondelete="CASCADE"), nullable=True
    )
    league_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("leagues.id", ondelete="CASCADE"), nullable=True
    )
    venue_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("venues.id", ondelete="CASCADE"), nullable=True
    )
    other_user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    note: Mapped[str | None] = mapped_column(String(255), nullable=True)


class Ability(IdMixin, Base):
    """(age group, position or null for every position) -> allowed."""

    __tablename__ = "abilities"
    # One entry per (official, age group, position or null) (§17.4).
    __table_args__ = (
        Index(
            "uq_abilities_entry",
            "user_id",
            "age_group_id",
            text("coalesce(position_id, 0)"),
            unique=True,
        ),
    )

    user_id: Mapped[int] = mapped_column(
        Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    age_group_id: Mapped[int] = mapped_column(
        Id, ForeignKey("age_groups.id", ondelete="CASCADE"), nullable=False
    )
    position_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("positions.id", ondelete="CASCADE"), nullable=True
    )
    allowed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
