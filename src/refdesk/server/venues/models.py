"""Venues (where games are played) and zones (groups of venues) of a site."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, LockVersionMixin, TimestampMixin


class Zone(IdMixin, TimestampMixin, Base):
    __tablename__ = "zones"
    __table_args__ = (Index("uq_zones_site_name", "site_id", text("lower(name)"), unique=True),)

    site_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(90), nullable=False)
    location: Mapped[str | None] = mapped_column(String(255), nullable=True)


class Venue(IdMixin, TimestampMixin, LockVersionMixin, Base):
    __tablename__ = "venues"
    __table_args__ = (Index("uq_venues_site_name", "site_id", text("lower(name)"), unique=True),)

    site_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(90), nullable=False)
    street_1: Mapped[str | None] = mapped_column(String(90), nullable=True)
    street_2: Mapped[str | None] = mapped_column(String(90), nullable=True)
    city: Mapped[str | None] = mapped_column(String(90), nullable=True)
    state_or_province: Mapped[str | None] = mapped_column(String(90), nullable=True)
    postal: Mapped[str | None] = mapped_column(String(20), nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    zone_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("zones.id", ondelete="SET NULL"), nullable=True, index=True
    )
