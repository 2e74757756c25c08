"""Cross-cutting tables (server flags, idempotency records) and the import of every model,
so that ``Base.metadata`` is complete for Alembic and tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.accounts.models import Account, Invitation
from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.models import AccessToken, Application, AuthorizationCode, RefreshToken
from refdesk.server.autoassign.models import AutoAssignProposal
from refdesk.server.availability.models import Availability
from refdesk.server.calendar.models import CalendarFeed
from refdesk.server.db.base import Base, Id, IdMixin, UTCDateTime, utcnow
from refdesk.server.events.models import (
    Event,
    MailJob,
    NotificationMark,
    WebhookAttempt,
    WebhookDelivery,
)
from refdesk.server.forms.models import FormSubmission, FormTemplate
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.games.models import Game
from refdesk.server.messages.models import Message
from refdesk.server.officials.models import Ability, OfficialConflict
from refdesk.server.reference.models import (
    AgeGroup,
    AgeGroupFee,
    GameType,
    Gender,
    Group,
    GroupMembership,
    League,
    Pattern,
    PatternPosition,
    Position,
    Team,
)
from refdesk.server.reports.models import GameReport, GameReportOfficial
from refdesk.server.sites.models import Site
from refdesk.server.statements.models import Statement, StatementLine
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue, Zone
from refdesk.server.webhooks.models import WebhookSubscription


class ServerFlag(Base):
    """Installation-wide switches shared by every process (e.g. ``maintenance``)."""

    __tablename__ = "server_flags"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255), nullable=False)
    updated: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class IdempotencyRecord(IdMixin, Base):
    """One ``Idempotency-Key`` of one account: in flight (status null) or its stored 2xx."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    account_id: Mapped[int] = mapped_column(
        Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )
    # Nothing here is readable without the raw key (api/idempotency_store.py): ``key`` is a
    # keyed hash of it, ``fingerprint`` a keyed hash of the request, ``body`` sealed.
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(255), nullable=True)
    location: Mapped[str | None] = mapped_column(Text, nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


__all__ = [
    "Ability",
    "AccessToken",
    "Account",
    "AgeGroup",
    "AgeGroupFee",
    "Application",
    "Assignment",
    "AuthorizationCode",
    "AutoAssignProposal",
    "Availability",
    "Base",
    "CalendarFeed",
    "Event",
    "FormSubmission",
    "FormTemplate",
    "Game",
    "GameReport",
    "GameReportOfficial",
    "GameRequest",
    "GameType",
    "Gender",
    "Group",
    "GroupMembership",
    "IdempotencyRecord",
    "Invitation",
    "League",
    "MailJob",
    "Message",
    "NotificationMark",
    "OfficialConflict",
    "Pattern",
    "PatternPosition",
    "Position",
    "RefreshToken",
    "ServerFlag",
    "Site",
    "Statement",
    "StatementLine",
    "Team",
    "User",
    "Venue",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "Zone",
]
