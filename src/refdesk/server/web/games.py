"""What the "My games" page shows: the signed-in official's games in the current site,
upcoming and past, grouped by day in the site's time zone, each with its venue, the
official's position, partners, fee, answer, and whether it can still be accepted or declined.

The games come from the service behind ``GET /api/v2/current_account/games``
(``games.lists.cross_site_games``, list kind ``mine``) with the same typed input the API
parses; what a game shows (teams, venue, slots, officials, fees) is the API's own bundle
(``games.bundle.load_bundle``), so the fee is the one the API's ``_embedded.fees`` gives the
holder (``Bundle.fee_of``), formatted as the API's money strings (§11.7).

Upcoming: from today (the site's date) on, the first :data:`UPCOMING_MAX` games. Past: the
:data:`PAST_DAYS` days before ``before`` (a site-local date, default today; see
:func:`read_before`), most recent day first; "earlier games" moves the window back.

Answering (the forms of ``pages/games.py``) follows ``assignments.service.respond``:

* accept is offered while the game has not started and is not cancelled, for a slot not yet
  accepted (also a declined one: the service allows changing one's mind);
* decline likewise for a slot not yet declined, while the site's decline cut-off
  (``decline_cutoff_hours`` before the start, §16.4) has not passed — for an official who
  administers the site (assignor, manager) there is no cut-off, as in the service. Once it
  has passed, the page says when declining closed instead of offering the form.

**Changed** (the badge): :mod:`.game_changes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.db.base import utcnow
from refdesk.server.games import lists
from refdesk.server.games.bundle import AssignmentLike, Bundle, PositionRef, load_bundle
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import parse_game_list
from refdesk.server.money import formatted
from refdesk.server.paging import DEFAULT_LIMIT
from refdesk.server.sites.access import Membership
from refdesk.server.sites.rules import site_today
from refdesk.server.timefmt import localized_time, zone
from refdesk.server.web import game_changes, labels
from refdesk.server.web.home import MONTHS, WEEKDAYS, day_label

UPCOMING_MAX = 100
PAST_DAYS = 28
PAST_MAX = 200
PAST_FETCH = 1000  # a window with more games than this shows its earliest ones
OLDEST = date(2000, 1, 1)
CANCELLED = {"X": "Cancelled (paid)", "C": "Cancelled (no fee)"}
STATUS_LABELS = {"pending": "Awaiting your answer", "accepted": "Accepted", "declined": "Declined"}
UNANSWERED = "Not answered"  # a pending slot of a game that has started or is cancelled


@dataclass(frozen=True)
class Partner:
    position: str
    name: str  # "open" for a vacant slot
    vacant: bool
    declined: bool


@dataclass(frozen=True)
class MySlot:
    id: int
    position: str
    lock_version: int
    status: str  # pending, accepted, declined
    status_label: str
    decline_reason: str | None
    fee: str
    can_accept: bool
    can_decline: bool
    decline_until: str | None  # when the decline form is offered and a cut-off applies
    decline_closed: str | None  # why the decline form is not offered (the cut-off passed)


@dataclass(frozen=True)
class GameCard:
    id: int
    time: str
    teams: str
    venue: str
    details: str  # age group, league
    slots: list[MySlot]
    partners: list[Partner]
    cancelled: str | None
    changed: list[str]
    started: bool
    note: str | None

    @property
    def positions(self) -> str:
        return ", ".join(s.position for s in self.slots)


@dataclass(frozen=True)
class GameDay:
    day: date
    label: str
    games: list[GameCard]


@dataclass(frozen=True)
class MyGames:
    official: bool
    upcoming: list[GameDay] = field(default_factory=list)
    more_upcoming: bool = False
    past: list[GameDay] = field(default_factory=list)
    more_past: bool = False
    before: date | None = None
    past_from: str = ""
    past_to: str = ""
    earlier: str | None = None  # the query string of the earlier window
    later: str | None = None  # of the later window (None: the window ends today)


def read_before(raw: str | None, today: date) -> date:
    """The ``before`` query parameter: an ISO date (``2026-11-07``) from 2000 up to today;
    anything else (absent, malformed, out of range) is today."""
    if raw is None or len(raw) != 10 or not raw[:4].isdigit():
        return today
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return today
    return value if OLDEST <= value <= today else today


def moment(value: datetime, tz: str) -> str:
    """``Thursday 3 December 2026 at 9:00 PM`` in the zone ``tz``."""
    local = value.astimezone(zone(tz))
    day = local.date()
    return (
        f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year} "
        f"at {localized_time(local)}"
    )


def decline_cutoff(game: Game, member: Membership) -> datetime | None:
    """When declining closes for ``member`` (None: never, for assignors and managers) — the
    rule of ``assignments.service._respond_rules``."""
    if member.administers:
        return None
    return game.start_time - timedelta(hours=member.site.decline_cutoff_hours)


def closed_message(game: Game, member: Membership) -> str | None:
    """The page's explanation when the cut-off has passed (None while declining is open)."""
    closes = decline_cutoff(game, member)
    if closes is None or utcnow() <= closes:
        return None
    hours = member.site.decline_cutoff_hours
    return (
        f"Declining closed on {moment(closes, member.site.timezone)} ({hours} hours before "
        "the game); contact your assignor if you cannot make it."
    )


async def _collect(
    session: AsyncSession,
    principal: Principal,
    member: Membership,
    search: dict[str, str],
    most: int,
) -> tuple[list[Game], bool]:
    """The official's games of the site matching ``search``, page by page through the API's
    list service, at most ``most`` of them (True: there were more)."""
    games: list[Game] = []
    page = 1
    while True:
        query, request = parse_game_list(
            {
                "search": {"site_id": str(member.site.id), **search},
                "limit": str(DEFAULT_LIMIT),
                "page": str(page),
            },
            "mine",
            across_sites=True,
        )
        listing = await lists.cross_site_games(session, principal, query, request)
        games.extend(listing.games)
        if len(games) >= listing.total or not listing.games:
            return games[:most], listing.total > most
        if len(games) >= most:
            return games[:most], True
        page += 1


def _name(bundle: Bundle, user_id: int) -> str:
    user = bundle.users.get(user_id)
    return f"{user.first_name} {user.last_name}" if user is not None else "an official"


def _status(slot: AssignmentLike) -> str:
    if slot.declined:
        return "declined"
    return "accepted" if slot.accepted else "pending"


def _my_slot(
    slot: AssignmentLike,
    position: PositionRef,
    game: Game,
    bundle: Bundle,
    member: Membership,
    started: bool,
) -> MySlot:
    status = _status(slot)
    open_game = not started and game.status == "A"
    may_respond = open_game and (game.published or member.administers)
    closed = closed_message(game, member) if status != "declined" else None
    can_decline = may_respond and status != "declined" and closed is None
    closes = decline_cutoff(game, member)
    return MySlot(
        id=slot.id,
        position=position.name,
        lock_version=slot.lock_version,
        status=status,
        status_label=STATUS_LABELS[status] if open_game or status != "pending" else UNANSWERED,
        decline_reason=slot.decline_reason if status == "declined" else None,
        fee=formatted(bundle.fee_of(game, slot), member.site.currency),
        can_accept=may_respond and status != "accepted",
        can_decline=can_decline,
        decline_until=(
            moment(closes, member.site.timezone) if can_decline and closes is not None else None
        ),
        decline_closed=closed if may_respond else None,
    )


def _time(game: Game, tz: str) -> str:
    start = localized_time(game.start_time.astimezone(zone(tz)))
    if game.end_time is None:
        return start
    return f"{start} – {localized_time(game.end_time.astimezone(zone(tz)))}"


async def _cards(
    session: AsyncSession, games: list[Game], member: Membership, user_id: int
) -> list[GameCard]:
    bundle = await load_bundle(session, games, {member.site.id: member.site})
    tz = member.site.timezone
    now = utcnow()
    mine: dict[int, list[AssignmentLike]] = {}
    for game in games:
        slots = [s for s, _ in bundle.slots.get(game.id, []) if s.official_id == user_id]
        if slots and game.updated > max(s.updated for s in slots) and game.status == "A":
            mine[game.id] = slots
    changed = await game_changes.changed_since_seen(session, member.site.id, mine)
    cards: list[GameCard] = []
    for game in games:
        started = game.start_time <= now
        own: list[MySlot] = []
        partners: list[Partner] = []
        for slot, position in bundle.slots.get(game.id, []):
            if slot.official_id == user_id:
                own.append(_my_slot(slot, position, game, bundle, member, started))
            elif slot.official_id is None:
                partners.append(Partner(position.name, "open", vacant=True, declined=False))
            else:
                name = _name(bundle, slot.official_id)
                partners.append(Partner(position.name, name, vacant=False, declined=slot.declined))
        details = [
            bundle.name("age_group", game.age_group_id),
            bundle.name("league", game.league_id),
        ]
        home = bundle.name("team", game.home_team_id) or "?"
        away = bundle.name("team", game.away_team_id) or "?"
        cards.append(
            GameCard(
                id=game.id,
                time=_time(game, tz),
                teams=f"{home} vs {away}",
                venue=labels.venue(bundle, game),
                details=" · ".join(d for d in details if d),
                slots=own,
                partners=partners,
                cancelled=CANCELLED.get(game.status),
                changed=changed.get(game.id, []),
                started=started,
                note=game.public_note,
            )
        )
    return cards


def _days(cards: Iterable[tuple[Game, GameCard]], tz: str, today: date) -> list[GameDay]:
    days: list[GameDay] = []
    for game, card in cards:
        local = game.start_time.astimezone(zone(tz)).date()
        if not days or days[-1].day != local:
            days.append(GameDay(local, day_label(local, today), []))
        days[-1].games.append(card)
    return days


def _plain(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


async def my_games(
    session: AsyncSession,
    principal: Principal,
    member: Membership | None,
    before_raw: str | None = None,
) -> MyGames:
    """The page of a signed-in person in their current site (``member``)."""
    if member is None or member.user is None or not member.official:
        return MyGames(official=False)
    today = site_today(member.site).date()
    before = read_before(before_raw, today)
    tz = member.site.timezone
    user_id = member.user.id
    upcoming, more_upcoming = await _collect(
        session, principal, member, {"start_date": today.isoformat()}, UPCOMING_MAX
    )
    first = before - timedelta(days=PAST_DAYS)
    last = min(before, today) - timedelta(days=1)
    past, more_past = await _collect(
        session,
        principal,
        member,
        {"start_date": first.isoformat(), "end_date": last.isoformat()},
        PAST_FETCH,
    )
    more_past = more_past or len(past) > PAST_MAX
    past = past[-PAST_MAX:]  # the most recent ones of the window
    cards = await _cards(session, upcoming + past, member, user_id)
    upcoming_cards = list(zip(upcoming, cards[: len(upcoming)], strict=True))
    past_cards = list(zip(past, cards[len(upcoming) :], strict=True))
    past_days = _days(reversed(past_cards), tz, today)
    for day in past_days:
        day.games.reverse()  # most recent day first, each day's games in time order
    later_day = before + timedelta(days=PAST_DAYS)
    return MyGames(
        official=True,
        upcoming=_days(upcoming_cards, tz, today),
        more_upcoming=more_upcoming,
        past=past_days,
        more_past=more_past,
        before=before,
        past_from=_plain(first),
        past_to=_plain(last),
        earlier=f"before={first.isoformat()}" if first > OLDEST else None,
        later=None if before >= today else _later_query(later_day, today),
    )


def _later_query(day: date, today: date) -> str:
    return "" if day >= today else f"before={day.isoformat()}"


async def game_summary(session: AsyncSession, game: Game, member: Membership) -> str:
    """``Hawks vs Falcons, Saturday 5 December 2026 at 9:00 AM`` (for the page's notices)."""
    bundle = await load_bundle(session, [game], {member.site.id: member.site})
    home = bundle.name("team", game.home_team_id) or "?"
    away = bundle.name("team", game.away_team_id) or "?"
    return f"{home} vs {away}, {moment(game.start_time, member.site.timezone)}"
