"""Accounts: a person's login, shared by that person's user profiles in several sites."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin, UTCDateTime, utcnow


class Account(IdMixin, TimestampMixin, Base):
    __tablename__ = "accounts"

    # Stored lower-cased so that uniqueness is case-insensitive on every backend.
    login: Mapped[str] = mapped_column(String(90), unique=True, nullable=False)
    email: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    first_name: Mapped[str] = mapped_column(String(90), nullable=False, default="")
    last_name: Mapped[str] = mapped_column(String(90), nullable=False, default="")
    # Set only by the person (invitation link, PUT current_account) or an operator; never by a
    # site admin. None: the account cannot sign in with a password.
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    operator: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Invitation(IdMixin, Base):
    """A one-time link that lets the person set the password of their account: an invitation
    (``purpose`` ``invitation``: the account has no password yet) or a password reset
    (``password_reset``). Only the HMAC of the token is stored (``auth/secrets.py``), keyed by
    the purpose, so a token of one purpose never opens a link of the other
    (``accounts/account_links.py``)."""

    __tablename__ = "account_invitations"

    purpose: Mapped[str] = mapped_column(
        String(16), nullable=False, default="invitation", server_default="invitation"
    )
    account_id: Mapped[int] = mapped_column(
        Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
