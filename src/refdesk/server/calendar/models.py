"""One calendar feed per account: the secret token of its URL (contract §19.3)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, UTCDateTime, utcnow


class CalendarFeed(IdMixin, Base):
    __tablename__ = "calendar_feeds"

    account_id: Mapped[int] = mapped_column(
        Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    # The feed is found by the HMAC of its token (a dump does not give working URLs); the
    # account page shows the URL again, so the token is also kept sealed (auth/sealed.py).
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    token_sealed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    # When the current token was made (first request, or the last rotation).
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
