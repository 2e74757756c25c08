"""What the "Messages" page shows an assignor or manager: the site's officials to choose
recipients from, who is "on a day's games", and the site's sent messages.

* Officials: the site's active officials by name (``?q=`` narrows the list by name), with
  whether they have an e-mail address (a message goes to addresses only).
* A day's officials (:func:`day_officials`): every official holding a slot, not declined, of
  a game of the site on that date (the site's local date, as games are listed), that is
  published and not cancelled — the people who will be at the fields that day.
* Sent messages: the service behind ``GET /api/v2/sites/{id}/messages``
  (``messages.service.list_messages``) with the typed query the API parses, in its order
  (newest first) and page size, with the recipients' names read here for display.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.games.models import Game
from refdesk.server.messages import service
from refdesk.server.messages.models import Message
from refdesk.server.messages.schemas import parse_message_query
from refdesk.server.sites.access import Membership
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.web.labels import moment

PAGE_SIZE = 20
MAX_OFFICIALS = 500  # the service's MAX_RECIPIENTS
NAMES_SHOWN = 6
STATUS_LABELS = {
    "queued": "Queued",
    "sent": "Sent",
    "failed": "Failed",
    "not_configured": "Not sent (e-mail is not set up: written to files)",
}


@dataclass(frozen=True)
class OfficialChoice:
    id: int
    name: str
    has_email: bool


@dataclass(frozen=True)
class SentLine:
    id: int
    subject: str
    body: str
    sent: str
    recipients: str
    count: int
    status: str
    status_label: str


@dataclass(frozen=True)
class SentList:
    lines: list[SentLine] = field(default_factory=list)
    page: int = 1
    total: int = 0

    @property
    def more(self) -> bool:
        return self.page * PAGE_SIZE < self.total


def full_name(user: User) -> str:
    return f"{user.first_name} {user.last_name}".strip()


def _by_name(users: Iterable[User]) -> list[User]:
    return sorted(users, key=lambda u: (u.last_name.lower(), u.first_name.lower(), u.id))


def _has_email(user: User) -> bool:
    return any(str(a).strip() for a in user.email_addresses or [])


async def officials(session: AsyncSession, site_id: int, q: str = "") -> list[OfficialChoice]:
    """The site's active officials by name; ``q`` keeps those whose name contains it."""
    statement = select(User).where(
        User.site_id == site_id, User.official.is_(True), User.active.is_(True)
    )
    words = q.strip().lower().split()
    for word in words[:5]:
        pattern = f"%{word}%"
        statement = statement.where(
            or_(func.lower(User.first_name).like(pattern), func.lower(User.last_name).like(pattern))
        )
    found = _by_name(await session.scalars(statement.limit(MAX_OFFICIALS)))
    return [OfficialChoice(u.id, full_name(u), _has_email(u)) for u in found]


async def day_officials(session: AsyncSession, site_id: int, day: date) -> list[User]:
    """The officials on the day's games (module docstring), by name."""
    holders = (
        select(Assignment.official_id)
        .join(Game, Game.id == Assignment.game_id)
        .where(
            Game.site_id == site_id,
            Game.local_date == day,
            Game.status == "A",
            Game.published.is_(True),
            Assignment.official_id.is_not(None),
            Assignment.declined.is_(False),
        )
    )
    users = await session.scalars(
        select(User).where(User.site_id == site_id, User.id.in_(holders.scalar_subquery()))
    )
    return _by_name(users)


def _recipients(ids: list[int], names: dict[int, str]) -> str:
    shown = [names.get(i, "a former user") for i in ids[:NAMES_SHOWN]]
    rest = len(ids) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest > 0 else "")


async def sent_messages(
    session: AsyncSession, principal: Principal, member: Membership, page: int
) -> SentList:
    """A page of the site's messages as the API lists them."""
    query = parse_message_query({"limit": str(PAGE_SIZE), "page": str(page)})
    found = await service.list_messages(session, principal, member.site.id, query)
    ids = {i for m in found.messages for i in m.recipient_ids}
    names: dict[int, str] = {}
    if ids:
        rows = await session.scalars(select(User).where(User.id.in_(ids)))
        names = {u.id: full_name(u) for u in rows}
    return SentList([_line(m, names, member.site) for m in found.messages], page, found.total)


def _line(message: Message, names: dict[int, str], site: Site) -> SentLine:
    ids = list(message.recipient_ids)
    return SentLine(
        id=message.id,
        subject=message.subject,
        body=message.body,
        sent=moment(message.created, site),
        recipients=_recipients(ids, names),
        count=len(ids),
        status=message.delivery_status,
        status_label=STATUS_LABELS.get(message.delivery_status, message.delivery_status),
    )
