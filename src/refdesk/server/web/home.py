"""What the home page shows: the person's upcoming games in the current site, grouped by day
in the site's time zone.

The games come from the service behind ``GET /api/v2/current_account/games``
(``games.lists.cross_site_games``, list kind ``mine``) with the same typed input the API
parses; the names (teams, venue, position) are read here for display only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.games import lists
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import parse_game_list
from refdesk.server.reference.models import Position, Team
from refdesk.server.sites.access import Membership
from refdesk.server.sites.rules import site_today
from refdesk.server.timefmt import localized_time, zone
from refdesk.server.venues.models import Venue

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
STATUS_LABELS = {"X": "Cancelled", "C": "Cancelled"}  # with pay / without pay (§16.3)
UPCOMING_LIMIT = 50


@dataclass(frozen=True)
class GameLine:
    id: int
    time: str
    teams: str
    venue: str
    positions: str
    status: str | None


@dataclass(frozen=True)
class GameDay:
    day: date
    label: str
    games: list[GameLine]


@dataclass(frozen=True)
class Home:
    official: bool
    days: list[GameDay] = field(default_factory=list)
    more: bool = False


def day_label(day: date, today: date) -> str:
    """``Saturday 5 December 2026``, prefixed ``Today, `` or ``Tomorrow, `` when it is."""
    text = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"
    if day == today:
        return f"Today, {text}"
    if day == today + timedelta(days=1):
        return f"Tomorrow, {text}"
    return text


async def _names(
    session: AsyncSession, model: type[Team] | type[Venue], ids: Iterable[int]
) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.execute(select(model.id, model.name).where(model.id.in_(wanted)))
    return {row[0]: row[1] for row in rows}


async def _positions(session: AsyncSession, user_id: int, game_ids: list[int]) -> dict[int, str]:
    if not game_ids:
        return {}
    rows = await session.execute(
        select(Assignment.game_id, Position.name)
        .join(Position, Position.id == Assignment.position_id)
        .where(Assignment.official_id == user_id, Assignment.game_id.in_(game_ids))
        .order_by(Assignment.game_id, Assignment.id)
    )
    found: dict[int, list[str]] = {}
    for game_id, name in rows:
        found.setdefault(game_id, []).append(name)
    return {game_id: ", ".join(names) for game_id, names in found.items()}


async def _upcoming(
    session: AsyncSession, principal: Principal, member: Membership
) -> tuple[list[GameDay], bool]:
    today = site_today(member.site).date()
    query, page = parse_game_list(
        {
            "search": {"site_id": str(member.site.id), "start_date": today.isoformat()},
            "limit": str(UPCOMING_LIMIT),
        },
        "mine",
        across_sites=True,
    )
    listing = await lists.cross_site_games(session, principal, query, page)
    games: list[Game] = listing.games
    teams = await _names(
        session, Team, [t for g in games for t in (g.home_team_id, g.away_team_id)]
    )
    venues = await _names(session, Venue, [g.venue_id for g in games])
    user_id = member.user.id if member.user is not None else 0
    positions = await _positions(session, user_id, [g.id for g in games])
    tz = zone(member.site.timezone)
    days: list[GameDay] = []
    for game in games:
        local = game.start_time.astimezone(tz)
        line = GameLine(
            id=game.id,
            time=localized_time(local),
            teams=f"{teams.get(game.home_team_id, '?')} vs {teams.get(game.away_team_id, '?')}",
            venue=venues.get(game.venue_id, "") + (f" ({game.subvenue})" if game.subvenue else ""),
            positions=positions.get(game.id, ""),
            status=STATUS_LABELS.get(game.status),
        )
        if not days or days[-1].day != local.date():
            days.append(GameDay(local.date(), day_label(local.date(), today), []))
        days[-1].games.append(line)
    return days, listing.total > len(games)


async def home(session: AsyncSession, principal: Principal, member: Membership | None) -> Home:
    """The home page of a signed-in person in their current site (``member``)."""
    if member is None or member.user is None or not member.official:
        return Home(official=False)
    days, more = await _upcoming(session, principal, member)
    return Home(official=True, days=days, more=more)
