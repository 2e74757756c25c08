"""Users: an account's profile within one site, with its role flags."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    exists,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column

from refdesk.server.accounts.models import Account
from refdesk.server.db.base import Base, Id, IdMixin, LockVersionMixin, TimestampMixin


class User(IdMixin, TimestampMixin, LockVersionMixin, Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("site_id", "account_id"),)

    site_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True
    )
    account_id: Mapped[int] = mapped_column(
        Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    first_name: Mapped[str] = mapped_column(String(90), nullable=False)
    mi: Mapped[str | None] = mapped_column(String(90), nullable=True)
    last_name: Mapped[str] = mapped_column(String(90), nullable=False)
    email_addresses: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    home_phone: Mapped[str | None] = mapped_column(String(90), nullable=True)
    work_phone: Mapped[str | None] = mapped_column(String(90), nullable=True)
    mobile_phone: Mapped[str | None] = mapped_column(String(90), nullable=True)
    home_phone_is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    work_phone_is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    mobile_phone_is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    street1: Mapped[str | None] = mapped_column(String(90), nullable=True)
    street2: Mapped[str | None] = mapped_column(String(90), nullable=True)
    city: Mapped[str | None] = mapped_column(String(90), nullable=True)
    state: Mapped[str | None] = mapped_column(String(90), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(90), nullable=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    official: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    assignor: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    manager: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    observer: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    grade: Mapped[str | None] = mapped_column(String(90), nullable=True)
    max_games_per_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_games_per_week: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_games_per_month: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # (ext) E-mail kinds this person opted out of, e.g. ``{"reminder": false}``; a kind not
    # named is on (events/notifications.py lists the kinds). Null: everything on.
    notification_preferences: Mapped[dict[str, bool] | None] = mapped_column(JSON, nullable=True)

    # (ext) Whether the account has a password, set by its owner (invitation link) or an
    # operator: loaded with the user in the same statement. Not expired by a flush of the user
    # (its own columns cannot change it); set by hand on a new user.
    password_set: Mapped[bool] = column_property(
        exists(
            select(Account.id)
            .where(Account.id == account_id, Account.password_hash.is_not(None))
            .correlate_except(Account)
        ),
        expire_on_flush=False,
    )
