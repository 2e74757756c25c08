"""What a notification e-mail says, loaded in a few bounded statements: games with their
site, venue, teams and league (one statement for any number of games), their slots with
positions and officials (one), and the people to write to with their accounts (one).

Times are written in the site's time zone and labelled with it (``9:00 AM EDT``), as the
people reading the mail are in that zone, not the server's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from refdesk.server.accounts.models import Account
from refdesk.server.assignments.models import Assignment
from refdesk.server.events.links import api_link
from refdesk.server.events.preferences import wants
from refdesk.server.games.models import Game
from refdesk.server.reference.models import AgeGroup, League, Position, Team
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import localized_date, localized_time, zone
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def when_label(instant: datetime, tz: str) -> str:
    """``Sun Oct 11 2026, 9:00 AM EDT``: the site's local clock, with its zone's name."""
    local = instant.astimezone(zone(tz))
    return (
        f"{WEEKDAYS[local.weekday()]} {localized_date(local.date())}, "
        f"{localized_time(local)} {local.tzname() or tz}"
    )


@dataclass(frozen=True)
class GameFacts:
    id: int
    site_id: int
    site_name: str
    timezone: str
    start_time: datetime
    when: str
    end: str | None
    home_team: str
    away_team: str
    venue: str
    address: str
    subvenue: str | None
    age_group: str
    league: str | None
    status: str
    published: bool
    user_defined_id: str | None
    public_note: str | None
    assignor_id: int | None
    link: str

    @property
    def cancelled(self) -> bool:
        return self.status in ("X", "C")

    @property
    def title(self) -> str:
        return f"{self.home_team} vs {self.away_team}"

    def context(self) -> dict[str, Any]:
        """The template view of the game (plain values only)."""
        return {
            "id": self.id,
            "title": self.title,
            "when": self.when,
            "end": self.end,
            "timezone": self.timezone,
            "home_team": self.home_team,
            "away_team": self.away_team,
            "venue": self.venue,
            "address": self.address,
            "subvenue": self.subvenue,
            "age_group": self.age_group,
            "league": self.league,
            "cancelled": self.cancelled,
            "status": {"X": "cancelled", "C": "cancelled"}.get(self.status, "active"),
            "user_defined_id": self.user_defined_id,
            "public_note": self.public_note,
            "link": self.link,
        }


@dataclass(frozen=True)
class SlotFacts:
    id: int
    game_id: int
    position: str
    official_id: int | None
    official_name: str | None
    accepted: bool
    declined: bool
    decline_reason: str | None
    lock_version: int


@dataclass(frozen=True)
class Person:
    """Someone who may get mail: a user (profile in one site) and its account's state."""

    id: int
    site_id: int
    account_id: int
    name: str
    emails: tuple[str, ...]
    active: bool
    official: bool
    assignor: bool
    preferences: dict[str, bool] | None = field(default=None, compare=False)

    def reachable(self, kind: str, actor_account_id: int | None) -> bool:
        """Active, with an address, not opted out of ``kind``, and not the one who made the
        change (nobody is told about what they did themselves)."""
        return (
            self.active
            and bool(self.emails)
            and wants(self.preferences, kind)
            and (actor_account_id is None or self.account_id != actor_account_id)
        )


async def load_games(
    session: AsyncSession, runtime: Runtime, game_ids: Iterable[int]
) -> dict[int, GameFacts]:
    ids = sorted(set(game_ids))
    if not ids:
        return {}
    home, away = aliased(Team), aliased(Team)
    rows = await session.execute(
        select(Game, Site.name, Site.timezone, Venue, home.name, away.name, AgeGroup.name)
        .add_columns(League.name)
        .join(Site, Site.id == Game.site_id)
        .join(Venue, Venue.id == Game.venue_id)
        .join(home, home.id == Game.home_team_id)
        .join(away, away.id == Game.away_team_id)
        .join(AgeGroup, AgeGroup.id == Game.age_group_id)
        .outerjoin(League, League.id == Game.league_id)
        .where(Game.id.in_(ids))
    )
    found: dict[int, GameFacts] = {}
    for game, site_name, tz, venue, home_name, away_name, age_group, league in rows:
        address = ", ".join(
            part
            for part in (venue.street_1, venue.street_2, venue.city, venue.state_or_province)
            if part
        )
        found[game.id] = GameFacts(
            id=game.id,
            site_id=game.site_id,
            site_name=site_name,
            timezone=tz,
            start_time=game.start_time,
            when=when_label(game.start_time, tz),
            end=localized_time(game.end_time.astimezone(zone(tz))) if game.end_time else None,
            home_team=home_name,
            away_team=away_name,
            venue=venue.name,
            address=address,
            subvenue=game.subvenue,
            age_group=age_group,
            league=league,
            status=game.status,
            published=game.published,
            user_defined_id=game.user_defined_id,
            public_note=game.public_note,
            assignor_id=game.assignor_id,
            link=api_link(runtime, f"games/{game.id}"),
        )
    return found


async def load_slots(
    session: AsyncSession,
    *,
    game_ids: Iterable[int] = (),
    slot_ids: Iterable[int] = (),
) -> list[SlotFacts]:
    """Slots of these games (or these slots), in game and sort order."""
    games, slots = sorted(set(game_ids)), sorted(set(slot_ids))
    if not games and not slots:
        return []
    statement = (
        select(Assignment, Position.name, User.first_name, User.last_name)
        .join(Position, Position.id == Assignment.position_id)
        .outerjoin(User, User.id == Assignment.official_id)
        .order_by(Assignment.game_id, Assignment.sort_order, Assignment.id)
    )
    statement = statement.where(
        Assignment.game_id.in_(games) if games else Assignment.id.in_(slots)
    )
    return [
        SlotFacts(
            id=slot.id,
            game_id=slot.game_id,
            position=position,
            official_id=slot.official_id,
            official_name=f"{first} {last}".strip() if first is not None else None,
            accepted=slot.accepted,
            declined=slot.declined,
            decline_reason=slot.decline_reason,
            lock_version=slot.lock_version,
        )
        for slot, position, first, last in await session.execute(statement)
    ]


def _person(user: User, account_active: bool) -> Person:
    emails: list[str] = []
    for address in user.email_addresses or []:
        if address and address.lower() not in (e.lower() for e in emails):
            emails.append(address)
    return Person(
        id=user.id,
        site_id=user.site_id,
        account_id=user.account_id,
        name=f"{user.first_name} {user.last_name}".strip(),
        emails=tuple(emails),
        active=bool(user.active and account_active),
        official=user.official,
        assignor=user.assignor,
        preferences=user.notification_preferences,
    )


async def load_people(session: AsyncSession, user_ids: Iterable[int | None]) -> dict[int, Person]:
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return {}
    rows = await session.execute(
        select(User, Account.active)
        .join(Account, Account.id == User.account_id)
        .where(User.id.in_(ids))
    )
    return {user.id: _person(user, active) for user, active in rows}


async def load_assignors(session: AsyncSession, site_ids: Iterable[int]) -> dict[int, list[Person]]:
    """The active assignors of these sites, by site, in name order."""
    ids = sorted(set(site_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(User, Account.active)
        .join(Account, Account.id == User.account_id)
        .where(User.site_id.in_(ids), User.assignor.is_(True), User.active.is_(True))
        .order_by(User.site_id, User.last_name, User.first_name, User.id)
    )
    found: dict[int, list[Person]] = {}
    for user, active in rows:
        found.setdefault(user.site_id, []).append(_person(user, active))
    return found
