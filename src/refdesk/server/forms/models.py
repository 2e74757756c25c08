"""Form templates and submissions (contract §18.5, §18.6)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin


class FormTemplate(IdMixin, TimestampMixin, Base):
    __tablename__ = "form_templates"

    site_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(90), nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    mappings: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)


class FormSubmission(IdMixin, TimestampMixin, Base):
    __tablename__ = "form_submissions"

    template_id: Mapped[int] = mapped_column(
        Id, ForeignKey("form_templates.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    game_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("games.id", ondelete="SET NULL"), nullable=True, index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Ordered [key, value] pairs, values already as the strings the API returns.
    values: Mapped[list[list[str]]] = mapped_column(JSON, nullable=False, default=list)
    # The web-view token is derived (HMAC of this salt); only its hash is stored for lookup.
    webview_salt: Mapped[str] = mapped_column(String(64), nullable=False)
    webview_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
