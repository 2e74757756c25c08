"""What the games board (``/board``) shows an assignor or manager: the current site's games of
a week (or a day, or a date range) by local day, each with its slots as chips.

The games come from the service behind ``GET /api/v2/sites/{id}/games``
(``games.lists.site_games``, list kind ``all``: every status, published or not, as the API
gives the caller) with the filters parsed by the API's own ``parse_game_list``; what a game
shows (teams, venue, names, slots, officials) is the API's bundle (``games.bundle.load_bundle``).
The filter choices (venues, leagues, age groups, teams) are one more statement. So the board
renders in a constant number of SQL statements whatever the number of games (at most
:data:`BOARD_MAX` games are shown; the page says when there were more).

The days and filters a request asks for are read by :mod:`.board_filters`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.games import lists
from refdesk.server.games.bundle import AssignmentLike, Bundle, load_bundle
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import parse_game_list
from refdesk.server.paging import PageRequest
from refdesk.server.sites.access import Membership
from refdesk.server.sites.rules import site_today
from refdesk.server.timefmt import localized_time, zone
from refdesk.server.web.board_filters import (
    RANGE_MAX_DAYS,
    Filters,
    Option,
    Window,
    load_options,
    monday,
    read_filters,
    read_window,
)
from refdesk.server.web.home import MONTHS, WEEKDAYS, day_label

BOARD_MAX = 500
GAME_STATUS = {"A": "Active", "X": "Cancelled (paid)", "C": "Cancelled (no fee)"}
CHIP_LABELS = {
    "vacant": "vacant",
    "pending": "pending (not answered)",
    "accepted": "accepted",
    "declined": "declined",
}


@dataclass(frozen=True)
class Chip:
    id: int  # the assignment's id: /board/slots/{id}
    position: str
    state: str  # vacant, pending, accepted, declined
    label: str  # the state in words
    official: str | None

    @property
    def text(self) -> str:
        who = f": {self.official}" if self.official else ""
        return f"{self.position}{who} — {self.label}"


@dataclass(frozen=True)
class BoardGame:
    id: int
    time: str
    teams: str
    venue: str
    details: str
    status: str  # A, X, C
    status_label: str
    published: bool
    chips: list[Chip]

    @property
    def open_slots(self) -> int:
        return sum(1 for c in self.chips if c.state == "vacant")


@dataclass
class BoardDay:
    day: date
    label: str
    iso: str
    games: list[BoardGame] = field(default_factory=list)

    @property
    def open_slots(self) -> int:
        return sum(g.open_slots for g in self.games if g.status == "A")


@dataclass
class Board:
    window: Window
    filters: Filters
    title: str
    days: list[BoardDay]
    open_slots: int
    games: int
    more: bool
    options: dict[str, list[Option]]
    previous: str | None = None
    next: str | None = None
    current: str | None = None
    previous_label: str = ""
    next_label: str = ""
    current_label: str = ""
    range_from: str = ""
    range_to: str = ""
    unfiltered: str = ""  # the same days without the filters


def _plain(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _short(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()][:3]} {day.day} {MONTHS[day.month - 1][:3]}"


def _state(slot: AssignmentLike) -> str:
    if slot.official_id is None:
        return "vacant"
    if slot.declined:
        return "declined"
    return "accepted" if slot.accepted else "pending"


def _official(bundle: Bundle, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = bundle.users.get(user_id)
    return f"{user.first_name} {user.last_name}" if user is not None else "an official"


def _card(game: Game, bundle: Bundle, tz: str) -> BoardGame:
    start = localized_time(game.start_time.astimezone(zone(tz)))
    if game.end_time is not None:
        start += f" – {localized_time(game.end_time.astimezone(zone(tz)))}"
    venue = bundle.venues.get(game.venue_id)
    venue_name = (venue.name if venue is not None else "") + (
        f" ({game.subvenue})" if game.subvenue else ""
    )
    details = [bundle.name("age_group", game.age_group_id), bundle.name("league", game.league_id)]
    home = bundle.name("team", game.home_team_id) or "?"
    away = bundle.name("team", game.away_team_id) or "?"
    chips = []
    for slot, position in bundle.slots.get(game.id, []):
        state = _state(slot)
        chips.append(
            Chip(
                slot.id,
                position.name,
                state,
                CHIP_LABELS[state],
                _official(bundle, slot.official_id),
            )
        )
    return BoardGame(
        id=game.id,
        time=start,
        teams=f"{home} vs {away}",
        venue=venue_name or "No venue",
        details=" · ".join(d for d in details if d),
        status=game.status,
        status_label=GAME_STATUS.get(game.status, game.status),
        published=game.published,
        chips=chips,
    )


def _link(window: Window, filters: Filters, **where: str) -> str:
    return "/board?" + urlencode([*where.items(), *filters.pairs()])


def _where(window: Window) -> dict[str, str]:
    if window.mode == "day":
        return {"day": window.first.isoformat()}
    if window.mode == "range":
        return {"from": window.first.isoformat(), "to": window.last.isoformat()}
    return {"week": window.first.isoformat()}


def _navigation(board: Board, today: date) -> None:
    window, filters = board.window, board.filters
    board.unfiltered = _link(window, Filters(), **_where(window))
    if window.mode == "day":
        day = window.first
        board.previous = _link(window, filters, day=(day - timedelta(days=1)).isoformat())
        board.next = _link(window, filters, day=(day + timedelta(days=1)).isoformat())
        board.current = _link(window, filters, day=today.isoformat())
        board.previous_label, board.next_label, board.current_label = (
            "Previous day",
            "Next day",
            "Today",
        )
        return
    first = window.first if window.mode == "week" else monday(window.first)
    board.previous = _link(window, filters, week=(first - timedelta(days=7)).isoformat())
    board.next = _link(window, filters, week=(first + timedelta(days=7)).isoformat())
    board.current = _link(window, filters, week=monday(today).isoformat())
    board.previous_label, board.next_label, board.current_label = (
        "Previous week",
        "Next week",
        "This week",
    )


def _title(window: Window) -> str:
    if window.mode == "day":
        return f"{WEEKDAYS[window.first.weekday()]} {_plain(window.first)}"
    prefix = "Week of " if window.mode == "week" else "From "
    return f"{prefix}{_plain(window.first)} to {_plain(window.last)}"


async def board(
    session: AsyncSession,
    principal: Principal,
    member: Membership,
    params: Mapping[str, str],
) -> Board:
    """The board of ``member``'s site for the query ``params`` (module docstring)."""
    site = member.site
    today = site_today(site).date()
    window = read_window(params, today)
    options = await load_options(session, site.id)
    filters = read_filters(params, options)
    search = {
        "start_date": window.first.isoformat(),
        "end_date": window.last.isoformat(),
        **filters.search(),
    }
    query, _ = parse_game_list({"search": search})
    listing = await lists.site_games(
        session, principal, site.id, query, PageRequest(1, BOARD_MAX + 1, True)
    )
    games = listing.games[:BOARD_MAX]
    bundle = await load_bundle(session, games, {site.id: site})
    tz = site.timezone
    days: dict[date, BoardDay] = {}
    if window.mode != "range" or (window.last - window.first).days < RANGE_MAX_DAYS:
        day = window.first
        while day <= window.last:
            days[day] = BoardDay(day, day_label(day, today), day.isoformat())
            day += timedelta(days=1)
    for game in games:
        local = game.start_time.astimezone(zone(tz)).date()
        if local not in days:
            days[local] = BoardDay(local, day_label(local, today), local.isoformat())
        days[local].games.append(_card(game, bundle, tz))
    ordered = [days[d] for d in sorted(days)]
    result = Board(
        window=window,
        filters=filters,
        title=_title(window),
        days=ordered,
        open_slots=sum(d.open_slots for d in ordered),
        games=len(games),
        more=len(listing.games) > BOARD_MAX,
        options=options,
        range_from=window.first.isoformat() if window.mode == "range" else "",
        range_to=window.last.isoformat() if window.mode == "range" else "",
    )
    _navigation(result, today)
    return result


def short_day(day: date) -> str:
    """``Sat 5 Dec`` (the day headings' compact form)."""
    return _short(day)
