"""What the account page shows: the account's name and e-mail, its e-mail notification
preferences in each site, and the applications connected to it.

Read through the services behind the API: ``GET /api/v2/current_account``
(``accounts.service.get_account``), ``GET /api/v2/current_account/users`` (``my_profiles``,
with the same typed query, active profiles only), the users' ``notification_preferences``
(``events.preferences.effective``, as the user representation shows them) and
``accounts.connections`` for the applications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts import connections
from refdesk.server.accounts.schemas import parse_profiles_query
from refdesk.server.accounts.service import get_account, my_profiles
from refdesk.server.auth.principal import Principal
from refdesk.server.events.preferences import effective
from refdesk.server.sites.rules import subscription_active
from refdesk.server.timefmt import localized_time, zone
from refdesk.server.users.models import User
from refdesk.server.web.home import day_label

# The optional e-mails (events/mail_queue.OPTIONAL_KINDS) in the words of the page; the
# last two go to a site's assignors only, so only assignors see them.
KIND_LABELS = {
    "assigned": "I am assigned to a game",
    "changed": "A game I am on changes or is cancelled",
    "removed": "I am taken off a game",
    "reminder": "A reminder before each of my games",
    "declined": "An official declines a game I assign",
    "digest": "The daily digest of games with open positions",
}
ASSIGNOR_KINDS = frozenset({"declined", "digest"})
SCOPE_WORDS = {"read": "read your data", "write": "make changes", "bank": "see bank details"}


@dataclass(frozen=True)
class KindChoice:
    kind: str
    label: str
    on: bool


@dataclass(frozen=True)
class SitePreferences:
    """One site profile's e-mail choices (``lapsed``: the site's subscription is not active,
    so it sends nothing and its profile cannot be changed)."""

    user_id: int
    site_name: str
    lapsed: bool
    choices: list[KindChoice]


@dataclass(frozen=True)
class ConnectedApp:
    id: int
    name: str
    scopes: str
    access: str  # the scopes in words
    authorized: str  # when, in the page's zone
    own: bool


@dataclass(frozen=True)
class AccountView:
    login: str
    first_name: str
    last_name: str
    email: str
    sites: list[SitePreferences]
    applications: list[ConnectedApp]
    timezone: str


def choices_for(user: User) -> list[KindChoice]:
    values = effective(user.notification_preferences)
    return [
        KindChoice(kind, KIND_LABELS.get(kind, kind), on)
        for kind, on in values.items()
        if user.assignor or kind not in ASSIGNOR_KINDS
    ]


def access_words(scopes: str) -> str:
    words = [SCOPE_WORDS.get(s, s) for s in scopes.split()]
    if not words:
        return "nothing any more (its permissions were narrowed)"
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def when(value: datetime, tz: str) -> str:
    """``Saturday 5 December 2026, 9:00 AM`` (``Today, …``) in ``tz``."""
    local = value.astimezone(zone(tz))
    today = datetime.now(zone(tz)).date()
    return f"{day_label(local.date(), today)}, {localized_time(local)}"


async def site_preferences(session: AsyncSession, principal: Principal) -> list[SitePreferences]:
    """The account's active profiles, one per site, ordered by site name."""
    query = parse_profiles_query({"search": {"status": "active"}, "limit": "50"})
    rows, _ = await my_profiles(session, principal, query)
    found = [
        SitePreferences(user.id, site.name, not subscription_active(site), choices_for(user))
        for user, site in rows
    ]
    return sorted(found, key=lambda s: (s.site_name.lower(), s.user_id))


async def account_view(session: AsyncSession, principal: Principal, tz: str) -> AccountView:
    """The account page of the signed-in person; times in ``tz`` (the current site's zone)."""
    account = await get_account(session, principal)
    apps = [
        ConnectedApp(
            c.application_id,
            c.name,
            c.scopes,
            access_words(c.scopes),
            when(c.authorized_at, tz),
            c.own,
        )
        for c in await connections.connected_applications(session, principal)
    ]
    return AccountView(
        login=account.login,
        first_name=account.first_name,
        last_name=account.last_name,
        email=account.email,
        sites=await site_preferences(session, principal),
        applications=apps,
        timezone=tz,
    )
