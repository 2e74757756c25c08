"""Site-scoped reference data (contract §18.2): leagues, teams, game types, genders, age groups
with their fee tables, positions, patterns (ordered positions) and groups of officials."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin


def _site_fk() -> Mapped[int]:
    return mapped_column(Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False)


def _unique_name(table: str) -> Index:
    return Index(f"uq_{table}_site_name", "site_id", text("lower(name)"), unique=True)


class League(IdMixin, TimestampMixin, Base):
    __tablename__ = "leagues"
    __table_args__ = (_unique_name("leagues"),)
    site_id: Mapped[int] = _site_fk()
    name: Mapped[str] = mapped_column(String(90), nullable=False)


class GameType(IdMixin, TimestampMixin, Base):
    __tablename__ = "game_types"
    __table_args__ = (_unique_name("game_types"),)
    site_id: Mapped[int] = _site_fk()
    name: Mapped[str] = mapped_column(String(90), nullable=False)


class Gender(IdMixin, TimestampMixin, Base):
    __tablename__ = "genders"
    __table_args__ = (_unique_name("genders"),)
    site_id: Mapped[int] = _site_fk()
    name: Mapped[str] = mapped_column(String(90), nullable=False)


class Team(IdMixin, TimestampMixin, Base):
    __tablename__ = "teams"
    __table_args__ = (_unique_name("teams"),)
    site_id: Mapped[int] = _site_fk()
    name: Mapped[str] = mapped_column(String(90), nullable=False)
    league_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("leagues.id", ondelete="SET NULL"), nullable=True, index=True
    )


class Group(IdMixin, TimestampMixin, Base):
    __tablename__ = "groups"
    __table_args__ = (_unique_name("groups"),)
    site_id: Mapped[int] = _site_fk()
    name: Mapped[str] = mapped_column(String(90), nullable=False)
    description: Mapped[str | None] = mapped_column(String(255), nullable=True)


class GroupMembership(IdMixin, Base):
    __tablename__ = "group_memberships"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)
    group_id: Mapped[int] = mapped_column(
        Id, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(
        Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )


class Position(IdMixin, TimestampMixin, Base):
    __tablename__ = "positions"
    __table_args__ = (_unique_name("positions"),)
    site_id: Mapped[int] = _site_fk()
    name: Mapped[str] = mapped_column(String(90), nullable=False)
    abbreviation: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    group_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("groups.id", ondelete="SET NULL"), nullable=True, index=True
    )


class Pattern(IdMixin, TimestampMixin, Base):
    __tablename__ = "patterns"
    __table_args__ = (_unique_name("patterns"),)
    site_id: Mapped[int] = _site_fk()
    name: Mapped[str] = mapped_column(String(90), nullable=False)


class PatternPosition(IdMixin, Base):
    """One entry of a pattern's ordered list (a position may appear several times)."""

    __tablename__ = "pattern_positions"
    pattern_id: Mapped[int] = mapped_column(
        Id, ForeignKey("patterns.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position_id: Mapped[int] = mapped_column(
        Id, ForeignKey("positions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class AgeGroup(IdMixin, TimestampMixin, Base):
    __tablename__ = "age_groups"
    __table_args__ = (_unique_name("age_groups"),)
    site_id: Mapped[int] = _site_fk()
    name: Mapped[str] = mapped_column(String(90), nullable=False)
    game_length: Mapped[int] = mapped_column(Integer, nullable=False, default=60)
    min_official_age: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AgeGroupFee(IdMixin, Base):
    """One fee-table entry: the fee of ``position`` in games of ``pattern`` and this age group."""

    __tablename__ = "age_group_fees"
    __table_args__ = (UniqueConstraint("age_group_id", "pattern_id", "position_id"),)
    age_group_id: Mapped[int] = mapped_column(
        Id, ForeignKey("age_groups.id", ondelete="CASCADE"), nullable=False
    )
    pattern_id: Mapped[int] = mapped_column(
        Id, ForeignKey("patterns.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position_id: Mapped[int] = mapped_column(
        Id, ForeignKey("positions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
