"""Sites: one organisation (league, referee association) with its time zone and subscription."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, IdMixin, TimestampMixin


class Site(IdMixin, TimestampMixin, Base):
    __tablename__ = "sites"

    name: Mapped[str] = mapped_column(String(90), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    sports: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    show_game_requests: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    show_unassigned_games: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    show_all_games: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    show_game_reports: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    forms_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    allow_self_assign: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    use_availability: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    use_abilities: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    decline_cutoff_hours: Mapped[int] = mapped_column(Integer, nullable=False, default=36)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    subscription_status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    subscription_plan: Mapped[str | None] = mapped_column(String(90), nullable=True)
    official_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # (ext) E-mail notifications: officials' reminder this many hours before a game (null:
    # none), and the assignors' daily digest of unfilled slots for the next 7 days, sent at
    # ``digest_hour`` in the site's time zone.
    reminder_hours: Mapped[int | None] = mapped_column(Integer, nullable=True, default=24)
    unfilled_digest: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    digest_hour: Mapped[int] = mapped_column(Integer, nullable=False, default=7)
    # (ext) The auto-assign's default caps per official (a request's own caps win; each
    # official's own limits always apply too). Null: none.
    auto_assign_max_games_per_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    auto_assign_max_games_per_week: Mapped[int | None] = mapped_column(Integer, nullable=True)
