"""What the calendar feed page shows: the account's feed URL (made on the first visit, by the
service behind ``GET /api/v2/current_account/calendar``), its ``webcal`` twin, and when it was
made, in the site's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.calendar import service
from refdesk.server.calendar.links import feed_url, webcal_url
from refdesk.server.db.engine import Database
from refdesk.server.timefmt import localized_time, zone
from refdesk.server.web.home import day_label


@dataclass(frozen=True)
class CalendarFeed:
    url: str
    webcal_url: str
    created: str  # "Today, Friday 4 December 2026, 10:07 PM" in the site's zone


async def calendar_feed(
    session: AsyncSession,
    db: Database,
    principal: Principal,
    hasher: SecretHasher,
    *,
    base: str,
    tz: str,
) -> CalendarFeed:
    found = await service.ensure_feed(session, db, principal, hasher)
    url = feed_url(base, found.token)
    local = found.created.astimezone(zone(tz))
    today = datetime.now(local.tzinfo).date()
    created = f"{day_label(local.date(), today)}, {localized_time(local)}"
    return CalendarFeed(url, webcal_url(url), created)
