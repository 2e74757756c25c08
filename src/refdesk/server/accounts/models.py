"""Accounts: a person's login, shared by that person's user profiles in several sites."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, IdMixin, TimestampMixin


class Account(IdMixin, TimestampMixin, Base):
    __tablename__ = "accounts"

    # Stored lower-cased so that uniqueness is case-insensitive on every backend.
    login: Mapped[str] = mapped_column(String(90), unique=True, nullable=False)
    email: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    first_name: Mapped[str] = mapped_column(String(90), nullable=False, default="")
    last_name: Mapped[str] = mapped_column(String(90), nullable=False, default="")
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    operator: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
