"""What ``/officials/{id}`` shows assignors and managers of the current site: one official's
upcoming and recent games (with their slots and answers) and their availability.

It reads through the services behind ``GET /api/v2/users/{id}``,
``GET /api/v2/users/{id}/games`` and ``GET /api/v2/users/{id}/availability``; the games'
names and slots are the API's bundle. The roster of ``/officials`` is :mod:`.officials`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.availability import service as availability_service
from refdesk.server.availability.schemas import MAX_LIMIT, parse_availability_query
from refdesk.server.games import lists
from refdesk.server.games.bundle import load_bundle
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import parse_game_list
from refdesk.server.sites.access import Membership
from refdesk.server.sites.rules import site_today
from refdesk.server.timefmt import localized_time, zone
from refdesk.server.users import service as users_service
from refdesk.server.users.models import User
from refdesk.server.web.availability import span_text
from refdesk.server.web.home import WEEKDAYS, day_label
from refdesk.server.web.officials import (
    Load,
    abilities_of,
    full_name,
    groups_of,
    loads_in_site,
    plain_day,
    roles_of,
)

SCHEDULE_UPCOMING = 50
RECENT_DAYS = 28
AVAILABILITY_DAYS = 28
SLOT_LABELS = {"pending": "Not answered yet", "accepted": "Accepted", "declined": "Declined"}
CANCELLED = {"X": "Cancelled (paid)", "C": "Cancelled (no fee)"}


@dataclass(frozen=True)
class SlotChip:
    position: str
    holder: str  # "open" for a vacant slot
    state: str  # vacant, pending, accepted, declined
    label: str
    theirs: bool


@dataclass(frozen=True)
class ScheduleGame:
    id: int
    day: str
    time: str
    teams: str
    venue: str
    details: str
    theirs: list[SlotChip]  # the official's own slots
    slots: list[SlotChip]  # every slot of the game
    cancelled: str | None
    published: bool


@dataclass(frozen=True)
class AvailabilityDay:
    day: date
    label: str
    entries: list[str]
    games: int


@dataclass
class Schedule:
    user: User
    member: Membership
    name: str
    roles: list[str]
    load: Load
    groups: list[str]
    abilities: list[str]
    upcoming: list[ScheduleGame]
    more_upcoming: bool
    recent: list[ScheduleGame]
    recent_from: str
    availability: list[AvailabilityDay]
    covered: int
    availability_label: str
    can_invite: bool


def _state(official_id: int | None, accepted: bool, declined: bool) -> str:
    if official_id is None:
        return "vacant"
    if declined:
        return "declined"
    return "accepted" if accepted else "pending"


async def _games(
    session: AsyncSession,
    principal: Principal,
    user: User,
    search: dict[str, str],
    limit: int,
) -> tuple[list[Game], bool]:
    query, page = parse_game_list({"search": search, "limit": str(limit)})
    listing = await lists.user_games(session, principal, user.id, query, page)
    return list(listing.games), listing.total > len(listing.games)


async def _cards(
    session: AsyncSession, games: list[Game], member: Membership, user_id: int, today: date
) -> list[ScheduleGame]:
    bundle = await load_bundle(session, games, {member.site.id: member.site})
    tz = zone(member.site.timezone)
    cards = []
    for game in games:
        chips = []
        for slot, position in bundle.slots.get(game.id, []):
            state = _state(slot.official_id, slot.accepted, slot.declined)
            holder = bundle.users.get(slot.official_id) if slot.official_id else None
            name = f"{holder.first_name} {holder.last_name}" if holder is not None else "open"
            label = "open" if state == "vacant" else SLOT_LABELS[state]
            if state == "declined" and slot.decline_reason:
                label += f" ({slot.decline_reason})"
            chips.append(SlotChip(position.name, name, state, label, slot.official_id == user_id))
        local = game.start_time.astimezone(tz)
        time_text = localized_time(local)
        if game.end_time is not None:
            time_text += f" – {localized_time(game.end_time.astimezone(tz))}"
        venue = bundle.venues.get(game.venue_id)
        venue_name = (venue.name if venue is not None else "") + (
            f" ({game.subvenue})" if game.subvenue else ""
        )
        details = [
            bundle.name("age_group", game.age_group_id),
            bundle.name("league", game.league_id),
        ]
        home = bundle.name("team", game.home_team_id) or "?"
        away = bundle.name("team", game.away_team_id) or "?"
        cards.append(
            ScheduleGame(
                id=game.id,
                day=day_label(local.date(), today),
                time=time_text,
                teams=f"{home} vs {away}",
                venue=venue_name,
                details=" · ".join(d for d in details if d),
                theirs=[c for c in chips if c.theirs],
                slots=chips,
                cancelled=CANCELLED.get(game.status),
                published=game.published,
            )
        )
    return cards


async def _availability(
    session: AsyncSession, principal: Principal, user: User, today: date
) -> list[AvailabilityDay]:
    last = today + timedelta(days=AVAILABILITY_DAYS - 1)
    query = parse_availability_query(
        {
            "search": {"start_date": today.isoformat(), "end_date": last.isoformat()},
            "limit": str(MAX_LIMIT),
        }
    )
    _, _, entries, _, _ = await availability_service.list_entries(
        session, principal, user.id, query
    )
    by_day: dict[date, list[str]] = {}
    for entry in entries:
        text = span_text(entry.all_day, entry.start_time, entry.end_time)
        by_day.setdefault(entry.date, []).append(f"Available {text}")
    return [
        AvailabilityDay(d, day_label(d, today), by_day.get(d, []), 0)
        for d in (today + timedelta(days=n) for n in range(AVAILABILITY_DAYS))
    ]


async def schedule(
    session: AsyncSession, principal: Principal, user_id: int, site_id: int
) -> Schedule | None:
    """One user's page; None when the user is not of the current site ``site_id``. Raises
    the services' refusals (404, 403, 402)."""
    user, member = await users_service.read_user(session, principal, user_id)
    if user.site_id != site_id:
        return None
    today = site_today(member.site).date()
    upcoming, more = await _games(
        session, principal, user, {"start_date": today.isoformat()}, SCHEDULE_UPCOMING
    )
    first = today - timedelta(days=RECENT_DAYS)
    recent, _ = await _games(
        session,
        principal,
        user,
        {"start_date": first.isoformat(), "end_date": (today - timedelta(days=1)).isoformat()},
        SCHEDULE_UPCOMING,
    )
    recent.reverse()  # most recent first
    cards = await _cards(session, upcoming + recent, member, user.id, today)
    days: list[AvailabilityDay] = []
    if user.official:
        days = await _availability(session, principal, user, today)
        held: dict[date, int] = {}
        tz = zone(member.site.timezone)
        for game, card in zip(upcoming, cards, strict=False):
            if card.cancelled is None and any(c.state != "declined" for c in card.theirs):
                local = game.start_time.astimezone(tz).date()
                held[local] = held.get(local, 0) + 1
        days = [AvailabilityDay(d.day, d.label, d.entries, held.get(d.day, 0)) for d in days]
    week, month = (await loads_in_site(session, member.site.id, today, [user.id])).get(
        user.id, (0, 0)
    )
    last = today + timedelta(days=AVAILABILITY_DAYS - 1)
    return Schedule(
        user=user,
        member=member,
        name=full_name(user),
        roles=roles_of(user),
        load=Load(week, month, user.max_games_per_week, user.max_games_per_month),
        groups=(await groups_of(session, [user.id])).get(user.id, []),
        abilities=(await abilities_of(session, [user.id])).get(user.id, []),
        upcoming=cards[: len(upcoming)],
        more_upcoming=more,
        recent=cards[len(upcoming) :],
        recent_from=f"{plain_day(first)} {first.year}",
        availability=days,
        covered=sum(1 for d in days if d.entries),
        availability_label=f"{day_label(today, today)} – {day_label(last, today)}",
        can_invite=user.active and not user.password_set,
    )


def weekday_short(day: date) -> str:
    return WEEKDAYS[day.weekday()][:3]
