"""Game requests (contract §16.6): officials ask, assignors approve or decline; with
``allow_self_assign`` a request without blocking conflicts fills the slot at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.candidates import candidates_for
from refdesk.server.assignments.models import Assignment
from refdesk.server.assignments.service import HOLDS_A_SLOT, holds_a_slot
from refdesk.server.auth.principal import Principal
from refdesk.server.db.base import utcnow
from refdesk.server.db.locking import apply_changes
from refdesk.server.db.unique import flush_unique, unique_rule, unless_taken
from refdesk.server.errors import ErrorCollector, Forbidden, NotFound, ValidationFailed
from refdesk.server.fields import INVALID, is_blank, read_int, read_str
from refdesk.server.game_requests.models import REQUEST_STATUSES, GameRequest
from refdesk.server.games.models import Game
from refdesk.server.games.service import load_game
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.sites.access import Membership, check_id, membership_in, site_membership
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User

NO_OPEN_SLOT = "this game has no open slot you can request"
REQUESTED = {"base": ["has already been requested"]}
FILTERS = ("search[status]", "search[game_id]", "search[user_id]")


def _vacant(game_id: int, position_id: int | None) -> Any:
    query = select(Assignment).where(
        Assignment.game_id == game_id, Assignment.official_id.is_(None)
    )
    if position_id is not None:
        query = query.where(Assignment.position_id == position_id)
    return query.order_by(Assignment.sort_order, Assignment.id)


async def create_request(
    session: AsyncSession, principal: Principal, data: dict[str, Any]
) -> tuple[GameRequest, Membership]:
    errors = ErrorCollector()
    if is_blank(data.get("game_id")):
        raise ValidationFailed({"game_id": ["can't be blank"]})
    game_id = read_int(data["game_id"], "game_id", errors, 1, 2**63 - 1)
    errors.raise_if_any()
    game, member = await load_game(session, principal, int(game_id), for_update=True)
    user = member.user
    if member.administers and not is_blank(data.get("user_id")):
        target = read_int(data["user_id"], "user_id", errors, 1, 2**63 - 1)
        errors.raise_if_any()
        user = await session.get(User, target)
        if user is None or user.site_id != game.site_id:
            raise ValidationFailed({"user_id": ["does not exist"]})
    elif not member.administers:
        if (
            "user_id" in data
            and not is_blank(data["user_id"])
            and (user is None or str(data["user_id"]) != str(user.id))
        ):
            raise Forbidden("You may not request games for another user")
        member.require(member.official and member.site.show_game_requests, "request games")
    if user is None or not user.official or not user.active:
        raise ValidationFailed({"user_id": ["must be an active official of this site"]})
    position: Any = None
    if not is_blank(data.get("position_id")):
        position = read_int(data["position_id"], "position_id", errors, 1, 2**63 - 1)
    comment: Any = None
    if "comment" in data:
        comment = read_str(data["comment"], "comment", errors, 500)
    errors.raise_if_any()
    open_game = game.published and game.status == "A" and game.start_time > utcnow()
    slot = await session.scalar(_vacant(game.id, position).limit(1)) if open_game else None
    if slot is None:
        raise ValidationFailed({"base": [NO_OPEN_SLOT]})
    duplicate = await session.scalar(
        select(GameRequest.id).where(
            GameRequest.game_id == game.id,
            GameRequest.user_id == user.id,
            GameRequest.status == "pending",
            GameRequest.position_id.is_(None)
            if position is None
            else GameRequest.position_id == position,
        )
    )
    if duplicate:
        raise ValidationFailed(REQUESTED)
    request = GameRequest(
        game_id=game.id, position_id=position, user_id=user.id, status="pending", comment=comment
    )
    session.add(request)
    await flush_unique(session, REQUESTED)
    if member.site.allow_self_assign:
        await _self_assign(session, request, game, member.site, user, slot)
    return request, member


async def _self_assign(
    session: AsyncSession,
    request: GameRequest,
    game: Game,
    site: Site,
    user: User,
    slot: Assignment,
) -> None:
    found = await candidates_for(session, slot, game, site)
    mine = next((c for c in found if c.user.id == user.id), None)
    if mine is None or not mine.ok:
        return
    changes = {"official_id": user.id, "accepted": True, "declined": False, "decline_reason": None}
    # A concurrent assign may have put the official on another slot of the game after the
    # candidate check: as if it had come first, the request then stays pending.
    if not await unless_taken(session, lambda: apply_changes(session, slot, changes, None)):
        return
    request.status = "approved"
    request.assignment_id = slot.id
    await session.flush()


async def load_request(
    session: AsyncSession, principal: Principal, request_id: int, *, for_update: bool = False
) -> tuple[GameRequest, Membership]:
    check_id(request_id)
    request = await session.get(GameRequest, request_id, with_for_update=for_update)
    if request is None:
        raise NotFound()
    game = await session.get(Game, request.game_id)
    site = await session.get(Site, game.site_id) if game else None
    if site is None:
        raise NotFound()
    member = await membership_in(session, principal, site)
    own = member.user is not None and member.user.id == request.user_id
    member.require(member.administers or own, "see this game request")
    return request, member


async def list_requests(
    session: AsyncSession, principal: Principal, site_id: int, query: dict[str, Any]
) -> tuple[Membership, list[GameRequest], int, PageRequest]:
    member = await site_membership(session, principal, site_id)
    member.require(member.administers or member.official, "list game requests")
    errors = ErrorCollector()
    page = parse_page(query, errors)
    statement = (
        select(GameRequest)
        .join(Game, Game.id == GameRequest.game_id)
        .where(Game.site_id == site_id)
    )
    if not member.administers:
        statement = statement.where(GameRequest.user_id == (member.user.id if member.user else -1))
    search = query.get("search")
    if isinstance(search, dict):
        status = search.get("status")
        if not is_blank(status):
            if status not in REQUEST_STATUSES:
                errors.add("search[status]", "is not included in the list")
            else:
                statement = statement.where(GameRequest.status == status)
        for name in ("game_id", "user_id"):
            if not is_blank(search.get(name)):
                value = read_int(search[name], f"search[{name}]", errors, 1, 2**63 - 1)
                if value is not INVALID:
                    statement = statement.where(getattr(GameRequest, name) == value)
    errors.raise_if_any()
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    requests = list(
        (
            await session.scalars(
                statement.order_by(GameRequest.created.desc(), GameRequest.id.desc())
                .offset(page.offset)
                .limit(page.limit)
            )
        ).all()
    )
    return member, requests, int(total or 0), page


async def withdraw(session: AsyncSession, principal: Principal, request_id: int) -> None:
    request, _ = await load_request(session, principal, request_id, for_update=True)
    if request.status != "pending":
        raise ValidationFailed({"base": ["can only withdraw a pending request"]})
    request.status = "withdrawn"
    await session.flush()


async def decide(
    session: AsyncSession,
    principal: Principal,
    request_id: int,
    data: dict[str, Any],
    approve: bool,
) -> tuple[GameRequest, Membership]:
    request, member = await load_request(session, principal, request_id, for_update=True)
    member.require(member.administers, "approve or decline game requests")
    if request.status != "pending":
        raise ValidationFailed({"base": ["is not pending"]})
    if not approve:
        request.status = "declined"
        await session.flush()
        return request, member
    errors = ErrorCollector()
    slot: Assignment | None
    if not is_blank(data.get("assignment_id")):
        wanted = read_int(data["assignment_id"], "assignment_id", errors, 1, 2**63 - 1)
        errors.raise_if_any()
        slot = await session.scalar(
            select(Assignment)
            .where(
                Assignment.id == wanted,
                Assignment.game_id == request.game_id,
                Assignment.official_id.is_(None),
            )
            .with_for_update()
        )
        if slot is None:
            raise ValidationFailed({"assignment_id": ["has no vacant slot"]})
    else:
        slot = await session.scalar(
            _vacant(request.game_id, request.position_id).limit(1).with_for_update()
        )
        if slot is None:
            raise ValidationFailed({"base": ["has no vacant slot"]})
    holds = await session.scalar(
        select(Assignment.id).where(
            Assignment.game_id == request.game_id, Assignment.official_id == request.user_id
        )
    )
    if holds:
        raise ValidationFailed({"user_id": [HOLDS_A_SLOT]})
    async with unique_rule(session, holds_a_slot("user_id")):
        await apply_changes(
            session,
            slot,
            {
                "official_id": request.user_id,
                "accepted": False,
                "declined": False,
                "decline_reason": None,
            },
            None,
        )
    request.status = "approved"
    request.assignment_id = slot.id
    await session.flush()
    return request, member
