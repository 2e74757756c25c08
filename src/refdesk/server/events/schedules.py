"""Time-driven notifications: reminders before games and the assignors' daily digest of
unfilled slots. Queued once each (``NotificationMark``), whatever the number of workers.

* **Reminder**: ``sites.reminder_hours`` before a game (null: none), to each official on it
  who has not declined, for published games that are not cancelled and have not started.
  The mark is per slot, official and start time, so a rescheduled game (or a new official)
  is reminded again, and a worker that was down catches up until the game starts.
* **Digest**: once per site and local day, from ``sites.digest_hour`` (site's time zone)
  on, when ``sites.unfilled_digest``: the site's active assignors get the games of the next
  7 days with open slots (vacant or declined), cancelled games left out. A day without
  open slots sends nothing (and is marked, so it is not looked at again).

Finding what is due is a fixed number of statements whatever the number of games (no query
per game), in a read session; a write transaction is opened only when something is due.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.db.unique import add_unless_taken
from refdesk.server.events.mail_facts import (
    SlotFacts,
    load_assignors,
    load_games,
    load_people,
    load_slots,
)
from refdesk.server.events.models import NotificationMark
from refdesk.server.events.notifications import crew, queue, slot_context
from refdesk.server.games.models import Game
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import subscription_active
from refdesk.server.timefmt import zone

DIGEST_DAYS = 7
MAX_REMINDER_HOURS = 168


async def run_due(runtime: Runtime, now: datetime) -> int:
    """Queue the reminders and digests due at ``now``; return how many e-mails were queued.

    A worker round with nothing due only reads (no write lock on SQLite)."""
    async with runtime.db.session() as session:
        reminders = await due_reminders(session, now)
        digests = await due_digests(session, now)
    count = 0
    if reminders:
        async with runtime.db.transaction() as session:
            count += await queue_reminders(session, runtime, reminders)
    if digests:
        async with runtime.db.transaction() as session:
            count += await queue_digests(session, runtime, now, digests)
    return count


async def _unmarked(session: AsyncSession, kind: str, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    taken = await session.scalars(
        select(NotificationMark.key).where(
            NotificationMark.kind == kind, NotificationMark.key.in_(keys)
        )
    )
    return set(keys) - set(taken)


async def _mark(session: AsyncSession, kind: str, key: str) -> bool:
    """Claim the notification; False when another worker did first (the unique key)."""
    return await add_unless_taken(session, NotificationMark(kind=kind, key=key))


def reminder_key(slot_id: int, official_id: int, start: datetime) -> str:
    return f"{slot_id}:{official_id}:{int(start.timestamp())}"


@dataclass(frozen=True)
class DueReminder:
    slot_id: int
    official_id: int
    game_id: int
    hours: int
    key: str


async def due_reminders(session: AsyncSession, now: datetime) -> list[DueReminder]:
    """The reminders due at ``now`` and not queued yet. One statement for the slots: the
    longest window in use bounds the scan ((site, start) index), each site's own window is
    applied in the join."""
    hours_in_use = sorted(
        h
        for h in set(
            await session.scalars(
                select(Site.reminder_hours).where(Site.reminder_hours.is_not(None))
            )
        )
        if h is not None
    )
    if not hours_in_use:
        return []
    windows = [
        and_(Site.reminder_hours == hours, Game.start_time <= now + timedelta(hours=hours))
        for hours in hours_in_use
    ]
    rows = await session.execute(
        select(Assignment.id, Assignment.official_id, Game.id, Game.start_time, Site)
        .join(Game, Game.id == Assignment.game_id)
        .join(Site, Site.id == Game.site_id)
        .where(
            Game.start_time > now,
            Game.start_time <= now + timedelta(hours=max(hours_in_use)),
            Game.status == "A",
            Game.published.is_(True),
            Assignment.official_id.is_not(None),
            Assignment.declined.is_(False),
            or_(*windows),
        )
    )
    found = [
        DueReminder(
            slot_id,
            official_id,
            game_id,
            int(site.reminder_hours or 0),
            reminder_key(slot_id, official_id, start),
        )
        for slot_id, official_id, game_id, start, site in rows
        if official_id is not None and subscription_active(site)
    ]
    fresh = await _unmarked(session, "reminder", [r.key for r in found])
    return [r for r in found if r.key in fresh]


async def queue_reminders(session: AsyncSession, runtime: Runtime, due: list[DueReminder]) -> int:
    games = await load_games(session, runtime, {r.game_id for r in due})
    slots = await load_slots(session, game_ids=games.keys())
    by_game: dict[int, list[SlotFacts]] = defaultdict(list)
    for facts in slots:
        by_game[facts.game_id].append(facts)
    slot_of = {s.id: s for s in slots}
    people = await load_people(session, {r.official_id for r in due})
    count = 0
    for reminder in due:
        slot = slot_of.get(reminder.slot_id)
        game = games.get(reminder.game_id)
        person = people.get(reminder.official_id)
        if (
            slot is None
            or game is None
            or person is None
            or slot.official_id != reminder.official_id
            or not await _mark(session, "reminder", reminder.key)
        ):
            continue
        if not person.reachable("reminder", None):
            continue
        context = {
            "site_name": game.site_name,
            "game": game.context(),
            "crew": crew(by_game[game.id]),
            "slot": slot_context(runtime, slot, game),
            "hours": reminder.hours,
        }
        count += queue(session, "reminder", person, context, site_id=game.site_id, event_id=None)
    return count


def digest_key(site_id: int, local_day: str) -> str:
    return f"{site_id}:{local_day}"


async def due_digests(session: AsyncSession, now: datetime) -> dict[int, str]:
    """Site id -> the key of its digest due at ``now`` and not queued yet."""
    sites = await session.scalars(select(Site).where(Site.unfilled_digest.is_(True)))
    keys: dict[int, str] = {}
    for site in sites:
        local = now.astimezone(zone(site.timezone))
        if local.hour >= site.digest_hour and subscription_active(site):
            keys[site.id] = digest_key(site.id, local.date().isoformat())
    fresh = await _unmarked(session, "digest", list(keys.values()))
    return {site_id: key for site_id, key in keys.items() if key in fresh}


async def queue_digests(
    session: AsyncSession, runtime: Runtime, now: datetime, due: dict[int, str]
) -> int:
    sites = list(await session.scalars(select(Site).where(Site.id.in_(due)).order_by(Site.id)))
    # One statement for every due site's games with an open slot in the next 7 days.
    open_slot = or_(Assignment.official_id.is_(None), Assignment.declined.is_(True))
    game_ids = set(
        await session.scalars(
            select(Game.id)
            .join(Assignment, Assignment.game_id == Game.id)
            .where(
                Game.site_id.in_(due),
                Game.start_time > now,
                Game.start_time <= now + timedelta(days=DIGEST_DAYS),
                Game.status == "A",
                open_slot,
            )
        )
    )
    games = await load_games(session, runtime, game_ids)
    slots = await load_slots(session, game_ids=game_ids)
    open_positions: dict[int, list[str]] = defaultdict(list)
    for slot in slots:
        if slot.official_id is None or slot.declined:
            open_positions[slot.game_id].append(slot.position)
    assignors = await load_assignors(session, due)
    count = 0
    for site in sites:
        if not await _mark(session, "digest", due[site.id]):
            continue
        listed = sorted(
            (g for g in games.values() if g.site_id == site.id and open_positions.get(g.id)),
            key=lambda g: (g.start_time, g.id),
        )
        if not listed:
            continue
        context = {
            "site_name": site.name,
            "timezone": site.timezone,
            "games": [{"game": g.context(), "open": open_positions[g.id]} for g in listed],
            "total": sum(len(open_positions[g.id]) for g in listed),
        }
        for person in assignors.get(site.id, []):
            if person.reachable("digest", None):
                count += queue(session, "digest", person, context, site_id=site.id, event_id=None)
    return count
