"""What the "Requests" page shows an assignor or manager: the current site's game requests,
pending first (with Approve / Decline), then the recently decided ones; or every request.

The requests come from the service behind ``GET /api/v2/sites/{id}/game_requests``
(``game_requests.service.list_requests``) with the typed query the API parses
(``parse_request_query``), in the API's order (newest first) and pages of the API's size;
what each shows (official, game time in the site's zone, teams, venue, position, the slot an
approval gave) is read here for display only, with the games' bundle (``games.bundle``), in
a fixed number of queries per page.

``hint``: why approving would be refused now (the game has no vacant slot of the position
asked, the official already holds a slot of it, the game is cancelled) — a hint only: the
service decides when the button is pressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.game_requests import service
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.game_requests.schemas import parse_request_query
from refdesk.server.games.bundle import load_bundle
from refdesk.server.games.models import Game
from refdesk.server.reference.models import Position
from refdesk.server.sites.access import Membership
from refdesk.server.users.models import User
from refdesk.server.web import labels

PAGE_SIZE = 50
RECENT_SHOWN = 10
RECENT_FETCH = 50
SHOWS = ("pending", "all")
STATUS_LABELS = {
    "pending": "Pending",
    "approved": "Approved",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}
CANCELLED = {"X": "cancelled (paid)", "C": "cancelled (no fee)"}


@dataclass(frozen=True)
class RequestLine:
    id: int
    status: str
    status_label: str
    official: str
    when: str  # the game's day and time in the site's zone
    teams: str
    venue: str
    details: str
    position: str  # asked for ("Any position"), or the slot given once approved
    comment: str | None
    asked: str  # when the request was made, in the site's zone
    hint: str | None  # why approving would be refused now (pending only)

    @property
    def pending(self) -> bool:
        return self.status == "pending"


@dataclass(frozen=True)
class RequestsView:
    staff: bool
    show: str = "pending"
    page: int = 1
    total: int = 0
    requests: list[RequestLine] = field(default_factory=list)  # pending, or all (show=all)
    recent: list[RequestLine] = field(default_factory=list)  # show=pending: recently decided

    @property
    def more(self) -> bool:
        return self.page * PAGE_SIZE < self.total


def read_show(raw: str | None) -> str:
    return raw if raw in SHOWS else "pending"


async def lines(
    session: AsyncSession, member: Membership, requests: list[GameRequest], users: dict[int, User]
) -> list[RequestLine]:
    """The requests as the page shows them (a fixed number of queries)."""
    site = member.site
    game_ids = {r.game_id for r in requests}
    games = (
        list((await session.scalars(select(Game).where(Game.id.in_(game_ids)))).all())
        if game_ids
        else []
    )
    by_id = {g.id: g for g in games}
    bundle = await load_bundle(session, games, {site.id: site})
    position_ids = {r.position_id for r in requests if r.position_id is not None}
    names: dict[int, str] = {}
    if position_ids:
        rows = await session.execute(
            select(Position.id, Position.name).where(Position.id.in_(position_ids))
        )
        names = {row[0]: row[1] for row in rows}

    def line(request: GameRequest) -> RequestLine:
        user = users.get(request.user_id)
        official = f"{user.first_name} {user.last_name}" if user is not None else "An official"
        game = by_id.get(request.game_id)
        slots = bundle.slots.get(request.game_id, []) if game is not None else []
        given = next((p.name for s, p in slots if s.id == request.assignment_id), None)
        if given is not None:
            position = given
        elif request.position_id is not None:
            position = names.get(request.position_id, "A position")
        else:
            position = "Any position"
        hint: str | None = None
        if request.status == "pending" and game is not None:
            vacant = [
                s
                for s, p in slots
                if s.official_id is None
                and (request.position_id is None or p.id == request.position_id)
            ]
            if game.status != "A":
                hint = "The game is cancelled."
            elif any(s.official_id == request.user_id for s, _ in slots):
                hint = f"{official} already holds a slot of this game."
            elif not vacant:
                hint = "No vacant slot of this position is left."
        if game is None:
            when, teams, venue, details = "", f"Game {request.game_id}", "", ""
        else:
            when = labels.moment(game.start_time, site)
            teams = labels.teams(bundle, game)
            cancelled = CANCELLED.get(game.status)
            if cancelled:
                teams += f" ({cancelled})"
            venue, details = labels.venue(bundle, game), labels.details(bundle, game)
        return RequestLine(
            id=request.id,
            status=request.status,
            status_label=STATUS_LABELS.get(request.status, request.status),
            official=official,
            when=when,
            teams=teams,
            venue=venue,
            details=details,
            position=position,
            comment=request.comment,
            asked=labels.moment(request.created, site),
            hint=hint,
        )

    return [line(r) for r in requests]


async def requests_view(
    session: AsyncSession,
    principal: Principal,
    member: Membership | None,
    show: str,
    page: int,
) -> RequestsView:
    """The page for the signed-in person in their current site (``member``)."""
    if member is None or not member.administers:
        return RequestsView(staff=False)
    site_id = member.site.id
    query: dict[str, Any] = {"limit": str(PAGE_SIZE), "page": str(page)}
    if show == "pending":
        query["search"] = {"status": "pending"}
    found = await service.list_requests(session, principal, site_id, parse_request_query(query))
    recent: list[GameRequest] = []
    users = dict(found.users)
    if show == "pending":
        latest = await service.list_requests(
            session, principal, site_id, parse_request_query({"limit": str(RECENT_FETCH)})
        )
        recent = [r for r in latest.requests if r.status != "pending"][:RECENT_SHOWN]
        users.update(latest.users)
    shown = await lines(session, member, [*found.requests, *recent], users)
    count = len(found.requests)
    return RequestsView(
        staff=True,
        show=show,
        page=page,
        total=found.total,
        requests=shown[:count],
        recent=shown[count:],
    )


async def site_of_request(session: AsyncSession, request_id: int) -> int | None:
    """The site of a request's game (None: no such request), to keep the page's forms to
    the current site's requests."""
    return await session.scalar(
        select(Game.site_id)
        .join(GameRequest, GameRequest.game_id == Game.id)
        .where(GameRequest.id == request_id)
    )


async def describe(session: AsyncSession, found: service.Requests) -> str:
    """``Sam Lee: Referee for Hawks vs Falcons, Saturday 5 December 2026, 9:00 AM``."""
    request = found.requests[0]
    (line,) = await lines(session, found.member, [request], found.users)
    return f"{line.official}: {line.position} for {line.teams}, {line.when}"
