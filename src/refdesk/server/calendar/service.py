"""The personal calendar feed (contract §19.3): the account's secret feed URL, its rotation,
and the slots the feed lists.

The token (64 lowercase hex) is found by its HMAC (``<purpose>:<token>``, like the account
links) and kept sealed so that the account can be shown its URL again. It is made on the first
request for it; rotating replaces it, and the old URL answers 404 at once. The feed itself
needs no other authentication: whoever has the URL reads the account's slots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from refdesk.server.accounts.models import Account
from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.auth.sealed import seal, unseal
from refdesk.server.auth.secrets import SecretHasher, new_token
from refdesk.server.calendar.models import CalendarFeed
from refdesk.server.db.base import utcnow
from refdesk.server.db.engine import Database
from refdesk.server.games.models import Game
from refdesk.server.reference.models import AgeGroup, League, Position, Team
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import subscription_active
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue

TOKEN = re.compile(r"^[0-9a-f]{64}$")
PURPOSE = "calendar-feed"
# Games whose start is in this window around the feed's generation time are listed.
PAST = timedelta(days=30)
AHEAD = timedelta(days=365)


@dataclass(frozen=True)
class Feed:
    """The account's current feed token (the secret part of its URL) and when it was made."""

    token: str
    created: datetime


def _digest(hasher: SecretHasher, token: str) -> str:
    return hasher.hash(f"{PURPOSE}:{token}")


def _set_token(feed: CalendarFeed, hasher: SecretHasher) -> Feed:
    token = new_token()
    feed.token_hash = _digest(hasher, token)
    feed.token_sealed = seal(hasher, PURPOSE, feed.account_id, token)
    feed.created = utcnow()
    return Feed(token, feed.created)


def _opened(feed: CalendarFeed, hasher: SecretHasher) -> Feed | None:
    """The feed's token, or None when it does not open (the server pepper changed: the
    stored hash no longer matches either, so the URL is dead and a new one is due)."""
    token = unseal(hasher, PURPOSE, feed.account_id, feed.token_sealed)
    if token is None or _digest(hasher, token) != feed.token_hash:
        return None
    return Feed(token, feed.created)


async def _row(
    session: AsyncSession, account_id: int, *, for_update: bool = False
) -> CalendarFeed | None:
    statement = select(CalendarFeed).where(CalendarFeed.account_id == account_id)
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def find_feed(
    session: AsyncSession, principal: Principal, hasher: SecretHasher
) -> Feed | None:
    """The account's feed when it has a usable one (a read)."""
    feed = await _row(session, principal.account_id)
    return None if feed is None else _opened(feed, hasher)


async def _create(session: AsyncSession, account_id: int, hasher: SecretHasher) -> Feed:
    """In a write transaction: the existing usable feed, else a new token (a row is made or
    its dead token replaced)."""
    feed = await _row(session, account_id, for_update=True)
    if feed is not None:
        opened = _opened(feed, hasher)
        if opened is not None:
            return opened
        made = _set_token(feed, hasher)
    else:
        feed = CalendarFeed(account_id=account_id, token_hash="", token_sealed=b"")
        made = _set_token(feed, hasher)
        session.add(feed)
    await session.flush()
    return made


async def ensure_feed(
    session: AsyncSession, db: Database, principal: Principal, hasher: SecretHasher
) -> Feed:
    """``GET /current_account/calendar``: the account's feed, made on the first request.

    ``session`` is the request's (read) session; the first request writes in a transaction
    of its own. Two first requests at once make one feed: SQLite serialises the writers
    (and the second finds the row); on PostgreSQL the loser's INSERT hits the unique
    ``account_id`` and it reads the winner's feed."""
    found = await find_feed(session, principal, hasher)
    if found is not None:
        return found
    try:
        async with db.transaction() as writer:
            return await _create(writer, principal.account_id, hasher)
    except IntegrityError:
        async with db.transaction(write=False) as reader:
            again = await find_feed(reader, principal, hasher)
        if again is None:
            raise
        return again


async def rotate_feed(session: AsyncSession, principal: Principal, hasher: SecretHasher) -> Feed:
    """``POST /current_account/calendar/rotate``: a new token; the old URL answers 404 from
    now on. (An account without a feed gets its first one.)"""
    feed = await _row(session, principal.account_id, for_update=True)
    if feed is None:
        return await _create(session, principal.account_id, hasher)
    made = _set_token(feed, hasher)
    await session.flush()
    return made


async def feed_account(session: AsyncSession, hasher: SecretHasher, token: str) -> Account | None:
    """The active account whose current feed token this is, else None (unknown, rotated,
    malformed, or the account is deactivated)."""
    if not TOKEN.match(token):
        return None
    account = await session.scalar(
        select(Account)
        .join(CalendarFeed, CalendarFeed.account_id == Account.id)
        .where(CalendarFeed.token_hash == _digest(hasher, token))
    )
    if account is None or not account.active:
        return None
    return account


# --- what the feed lists -------------------------------------------------------------------


@dataclass(frozen=True)
class CoOfficial:
    position: str
    name: str


@dataclass(frozen=True)
class Slot:
    """One slot the account holds, with what its calendar event says (contract §19.3)."""

    assignment_id: int
    assignment_lock_version: int
    accepted: bool
    position: str
    game_id: int
    game_lock_version: int
    start: datetime
    end: datetime | None
    cancelled: bool
    home_team: str
    away_team: str
    venue: str
    subvenue: str | None
    street: str | None
    city: str | None
    site: str
    age_group: str
    league: str | None
    user_defined_id: str | None
    public_note: str | None
    co_officials: tuple[CoOfficial, ...]


async def feed_slots(session: AsyncSession, account_id: int, now: datetime) -> list[Slot]:
    """The account's slots for its feed, by game start: held by one of its active users in a
    site with an active subscription, not declined, in a published game (any game where that
    user is assignor or manager), starting from 30 days before ``now`` to 365 days after.
    Two statements whatever the number of slots."""
    home, away = aliased(Team), aliased(Team)
    rows = (
        await session.execute(
            select(Assignment, Game, Site, Position.name, home.name, away.name, Venue)
            .add_columns(AgeGroup.name, League.name)
            .join(User, User.id == Assignment.official_id)
            .join(Game, Game.id == Assignment.game_id)
            .join(Site, Site.id == Game.site_id)
            .join(Position, Position.id == Assignment.position_id)
            .join(home, home.id == Game.home_team_id)
            .join(away, away.id == Game.away_team_id)
            .join(Venue, Venue.id == Game.venue_id)
            .join(AgeGroup, AgeGroup.id == Game.age_group_id)
            .outerjoin(League, League.id == Game.league_id)
            .where(
                User.account_id == account_id,
                User.active.is_(True),
                Assignment.declined.is_(False),
                Game.start_time >= now - PAST,
                Game.start_time <= now + AHEAD,
                or_(Game.published.is_(True), User.assignor.is_(True), User.manager.is_(True)),
            )
            .order_by(Game.start_time, Game.id, Assignment.id)
        )
    ).all()
    rows = [row for row in rows if subscription_active(row[2])]
    partners = await _co_officials(
        session, [row[1].id for row in rows], {row[0].id for row in rows}
    )
    slots: list[Slot] = []
    for slot, game, site, position, home_name, away_name, venue, age_group, league in rows:
        slots.append(
            Slot(
                assignment_id=slot.id,
                assignment_lock_version=slot.lock_version,
                accepted=slot.accepted,
                position=position,
                game_id=game.id,
                game_lock_version=game.lock_version,
                start=game.start_time,
                end=game.end_time,
                cancelled=game.cancelled,
                home_team=home_name,
                away_team=away_name,
                venue=venue.name,
                subvenue=game.subvenue,
                street=venue.street_1,
                city=venue.city,
                site=site.name,
                age_group=age_group,
                league=league,
                user_defined_id=game.user_defined_id,
                public_note=game.public_note,
                co_officials=tuple(partners.get(game.id, ())),
            )
        )
    return slots


async def _co_officials(
    session: AsyncSession, game_ids: list[int], own: set[int]
) -> dict[int, list[CoOfficial]]:
    """The other held, not declined slots of these games, in slot order."""
    if not game_ids:
        return {}
    rows = await session.execute(
        select(Assignment.game_id, Assignment.id, Position.name, User.first_name, User.last_name)
        .join(Position, Position.id == Assignment.position_id)
        .join(User, User.id == Assignment.official_id)
        .where(Assignment.game_id.in_(sorted(set(game_ids))), Assignment.declined.is_(False))
        .order_by(Assignment.game_id, Assignment.sort_order, Assignment.id)
    )
    found: dict[int, list[CoOfficial]] = {}
    for game_id, slot_id, position, first, last in rows:
        if slot_id not in own:
            found.setdefault(game_id, []).append(CoOfficial(position, f"{first} {last}".strip()))
    return found


@dataclass(frozen=True)
class FeedContent:
    account: Account
    slots: list[Slot]
    generated: datetime


async def read_feed(session: AsyncSession, hasher: SecretHasher, token: str) -> FeedContent | None:
    """``GET /calendar/{token}.ics``: the account and its slots, or None (→ 404)."""
    account = await feed_account(session, hasher, token)
    if account is None:
        return None
    now = utcnow()
    return FeedContent(account, await feed_slots(session, account.id, now), now)
