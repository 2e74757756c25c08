"""OAuth applications, access and refresh tokens, authorization codes.

Secrets (client secrets, tokens, codes) are stored only as HMAC-SHA256 hashes (``auth/secrets.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin, UTCDateTime, utcnow


class Application(IdMixin, TimestampMixin, Base):
    __tablename__ = "applications"

    account_id: Mapped[int] = mapped_column(
        Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(90), nullable=False)
    client_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    client_secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confidential: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    scopes: Mapped[str] = mapped_column(String(64), nullable=False, default="read write")


class AuthorizationCode(IdMixin, Base):
    __tablename__ = "authorization_codes"

    code_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    application_id: Mapped[int] = mapped_column(
        Id, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True
    )
    account_id: Mapped[int] = mapped_column(
        Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )
    redirect_uri: Mapped[str | None] = mapped_column(Text, nullable=True)
    scopes: Mapped[str] = mapped_column(String(64), nullable=False)
    code_challenge: Mapped[str | None] = mapped_column(String(128), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class RefreshToken(IdMixin, Base):
    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    application_id: Mapped[int] = mapped_column(
        Id, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True
    )
    account_id: Mapped[int] = mapped_column(
        Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )
    authorization_code_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("authorization_codes.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Every refresh token rotated from one authorization grant shares it (random, so it
    # survives the code's row); reuse of a rotated token revokes the family (RFC 9700 §4.14).
    # The family's access tokens are those whose refresh_token_id is one of its members.
    family: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    scopes: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class AccessToken(IdMixin, Base):
    __tablename__ = "access_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    application_id: Mapped[int] = mapped_column(
        Id, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True
    )
    account_id: Mapped[int] = mapped_column(
        Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    refresh_token_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("refresh_tokens.id", ondelete="SET NULL"), nullable=True, index=True
    )
    authorization_code_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("authorization_codes.id", ondelete="SET NULL"), nullable=True, index=True
    )
    scopes: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
