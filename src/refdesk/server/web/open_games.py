"""What the "Open games" page shows: the games of the current site the official may request
(or self-assign), grouped by day in the site's time zone, and the official's own requests.

The games listed are those ``game_requests.service.create_request`` accepts from this
official, narrowed to what the API lets the official read:

* the site takes requests from officials (``show_game_requests``), else nothing is listed;
* the game is open as the API's open list defines it (``games.lists.open_games``: published,
  status ``A``, in the future, with a vacant slot);
* the official may read it through the API: the site shows open games to officials
  (``show_unassigned_games``) or all published games (``show_all_games``);
* the official holds no slot of it yet (approving such a request always fails: one slot per
  official per game).

A position the official already has a pending request for is shown as requested, without a
button (the service refuses a second one). The fee shown is the one the slot pays (its own
override, else the age group's table, as ``Bundle.fee_of``): the API shows officials the
table (age groups) but not a vacant slot's override. The requests come from the service behind
``GET /api/v2/sites/{id}/game_requests`` (``list_requests``) with the typed query the API
parses; names (teams, venue, positions) and fees are read here for display only, with the
games' bundle (``games.bundle``), in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import not_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.db.paging import page_of
from refdesk.server.game_requests import service
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.game_requests.schemas import parse_request_query
from refdesk.server.games import lists, queries
from refdesk.server.games.bundle import Bundle, load_bundle
from refdesk.server.games.models import Game
from refdesk.server.money import formatted
from refdesk.server.paging import PageRequest
from refdesk.server.reference.models import Position
from refdesk.server.sites.access import Membership
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today
from refdesk.server.timefmt import localized_time, zone
from refdesk.server.web import labels
from refdesk.server.web.home import day_label

GAMES_PER_PAGE = 40
PENDING_SHOWN = 50
DECIDED_SHOWN = 5
STATUS_LABELS = {
    "pending": "Pending",
    "approved": "Approved",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}


@dataclass(frozen=True)
class OpenPosition:
    """One position of a game with a vacant slot: the fee of the slot a request would get
    (the first vacant one of the position), and whether the official asked for it already."""

    position_id: int
    name: str
    vacant: int
    fee: str
    requested: bool


@dataclass(frozen=True)
class OpenGame:
    id: int
    time: str
    teams: str
    venue: str
    details: str
    positions: list[OpenPosition]


@dataclass(frozen=True)
class OpenDay:
    label: str
    games: list[OpenGame]


@dataclass(frozen=True)
class MyRequest:
    id: int
    status: str
    status_label: str
    when: str
    teams: str
    venue: str
    position: str
    comment: str | None


@dataclass(frozen=True)
class OpenGamesView:
    official: bool
    requests_on: bool = False
    self_assign: bool = False
    listing_allowed: bool = False
    days: list[OpenDay] = field(default_factory=list)
    page: int = 1
    more: bool = False
    pending: list[MyRequest] = field(default_factory=list)
    decided: list[MyRequest] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(len(day.games) for day in self.days)


def may_see_open_games(member: Membership) -> bool:
    """Whether the API lets this official read the site's open games (see the docstring)."""
    return lists.may_list_open(member) or (member.official and member.site.show_all_games)


def _when(game: Game, site: Site) -> str:
    tz = zone(site.timezone)
    local = game.start_time.astimezone(tz)
    today = site_today(site).date()
    return f"{day_label(local.date(), today)}, {localized_time(local)}"


def _open_positions(
    bundle: Bundle, game: Game, requested: set[tuple[int, int | None]], currency: str
) -> list[OpenPosition]:
    """The game's positions with a vacant slot, in slot order (dicts keep insertion order)."""
    found: dict[int, OpenPosition] = {}
    for slot, position in bundle.slots.get(game.id, []):
        if slot.official_id is not None:
            continue
        seen = found.get(position.id)
        if seen is not None:
            found[position.id] = replace(seen, vacant=seen.vacant + 1)
            continue
        fee: Decimal = bundle.fee_of(game, slot)
        found[position.id] = OpenPosition(
            position.id,
            position.name,
            1,
            formatted(fee, currency),
            (game.id, position.id) in requested,
        )
    return list(found.values())


async def _pending_pairs(
    session: AsyncSession, user_id: int, game_ids: Sequence[int]
) -> set[tuple[int, int | None]]:
    if not game_ids:
        return set()
    rows = await session.execute(
        select(GameRequest.game_id, GameRequest.position_id).where(
            GameRequest.user_id == user_id,
            GameRequest.status == "pending",
            GameRequest.game_id.in_(list(game_ids)),
        )
    )
    return {(row[0], row[1]) for row in rows}


async def _open_days(
    session: AsyncSession, member: Membership, user_id: int, page: int
) -> tuple[list[OpenDay], bool]:
    site = member.site
    scope = true() if lists.may_list_open(member) else queries.visibility(member)
    statement = select(Game).where(
        Game.site_id == site.id,
        lists.open_games(),
        scope,
        not_(queries.holds_slot(user_id)),
    )
    paging = PageRequest(page, GAMES_PER_PAGE, True)
    games, total = await page_of(session, statement, lists.ORDER, paging)
    bundle = await load_bundle(session, games, {site.id: site})
    requested = await _pending_pairs(session, user_id, [g.id for g in games])
    tz = zone(site.timezone)
    today = site_today(site).date()
    days: list[OpenDay] = []
    last = None
    for game in games:
        positions = _open_positions(bundle, game, requested, site.currency)
        if not positions:  # defensive: the query asked for a vacant slot
            continue
        local = game.start_time.astimezone(tz)
        line = OpenGame(
            id=game.id,
            time=localized_time(local),
            teams=labels.teams(bundle, game),
            venue=labels.venue(bundle, game),
            details=labels.details(bundle, game, gender=True),
            positions=positions,
        )
        if last != local.date():
            days.append(OpenDay(day_label(local.date(), today), []))
            last = local.date()
        days[-1].games.append(line)
    return days, total > paging.offset + len(games)


async def _requests_of(
    session: AsyncSession, principal: Principal, member: Membership
) -> tuple[list[MyRequest], list[MyRequest]]:
    site = member.site
    pending = await service.list_requests(
        session,
        principal,
        site.id,
        parse_request_query({"limit": str(PENDING_SHOWN), "search": {"status": "pending"}}),
    )
    recent = await service.list_requests(
        session, principal, site.id, parse_request_query({"limit": str(DECIDED_SHOWN * 4)})
    )
    decided = [r for r in recent.requests if r.status != "pending"][:DECIDED_SHOWN]
    everything = [*pending.requests, *decided]
    game_ids = {r.game_id for r in everything}
    games = (
        list((await session.scalars(select(Game).where(Game.id.in_(game_ids)))).all())
        if game_ids
        else []
    )
    by_id = {g.id: g for g in games}
    bundle = await load_bundle(session, games, {site.id: site})
    position_ids = {r.position_id for r in everything if r.position_id is not None}
    slot_positions = {
        slot.id: position.name for slots in bundle.slots.values() for slot, position in slots
    }
    names: dict[int, str] = {}
    if position_ids:
        rows = await session.execute(
            select(Position.id, Position.name).where(Position.id.in_(position_ids))
        )
        names = {row[0]: row[1] for row in rows}

    def line(request: GameRequest) -> MyRequest:
        game = by_id.get(request.game_id)
        if request.assignment_id is not None and request.assignment_id in slot_positions:
            position = slot_positions[request.assignment_id]
        elif request.position_id is not None:
            position = names.get(request.position_id, "")
        else:
            position = "Any position"
        if game is None or not game.published:
            # Not (or no longer) readable by the official through the API: no details.
            return MyRequest(
                request.id,
                request.status,
                STATUS_LABELS.get(request.status, request.status),
                "",
                f"Game {request.game_id} (not published)",
                "",
                position,
                request.comment,
            )
        return MyRequest(
            request.id,
            request.status,
            STATUS_LABELS.get(request.status, request.status),
            _when(game, site),
            labels.teams(bundle, game) + (" (cancelled)" if game.status == "X" else ""),
            labels.venue(bundle, game),
            position,
            request.comment,
        )

    return [line(r) for r in pending.requests], [line(r) for r in decided]


async def open_games(
    session: AsyncSession, principal: Principal, member: Membership | None, page: int = 1
) -> OpenGamesView:
    """The page for the signed-in person in their current site (``member``)."""
    if member is None or member.user is None or not member.official:
        return OpenGamesView(official=False)
    site = member.site
    user_id = member.user.id
    listing_allowed = may_see_open_games(member)
    days: list[OpenDay] = []
    more = False
    if site.show_game_requests and listing_allowed:
        days, more = await _open_days(session, member, user_id, page)
    pending, decided = await _requests_of(session, principal, member)
    return OpenGamesView(
        official=True,
        requests_on=site.show_game_requests,
        self_assign=site.allow_self_assign,
        listing_allowed=listing_allowed,
        days=days,
        page=page,
        more=more,
        pending=pending,
        decided=decided,
    )


@dataclass(frozen=True)
class Described:
    """A request's game and position in words, for the page's notices."""

    text: str
    status: str


async def describe(session: AsyncSession, found: service.Requests) -> Described:
    """``Referee for Hawks vs Falcons, Saturday 5 December 2026, 9:00 AM`` (in the game's
    site's zone: ``found.member`` is the caller in the game's site)."""
    request = found.requests[0]
    site = found.member.site
    game = await session.get(Game, request.game_id)
    if game is None:
        return Described(f"game {request.game_id}", request.status)
    bundle = await load_bundle(session, [game], {site.id: site})
    position = "any position"
    for slot, slot_position in bundle.slots.get(game.id, []):
        if request.assignment_id is not None and slot.id == request.assignment_id:
            position = slot_position.name
            break
        if request.assignment_id is None and slot_position.id == request.position_id:
            position = slot_position.name
            break
    return Described(
        f"{position} for {labels.teams(bundle, game)}, {_when(game, site)}", request.status
    )
