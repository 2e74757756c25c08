"""Game requests (contract §16.6): officials ask, assignors approve or decline; with
``allow_self_assign`` a request without blocking conflicts fills the slot at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.candidates import candidates_for
from refdesk.server.assignments.models import Assignment
from refdesk.server.assignments.service import HOLDS_A_SLOT, holds_a_slot
from refdesk.server.assignments.slot_events import SlotState, slot_changed
from refdesk.server.auth.principal import Principal
from refdesk.server.db.base import utcnow
from refdesk.server.db.locking import apply_changes
from refdesk.server.db.paging import page_of
from refdesk.server.db.unique import flush_unique, unique_rule, unless_taken
from refdesk.server.errors import Forbidden, NotFound, ValidationFailed
from refdesk.server.events import topics
from refdesk.server.events.record import record
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.game_requests.schemas import ApprovalInput, RequestInput, RequestQuery
from refdesk.server.games.models import Game
from refdesk.server.games.service import load_game
from refdesk.server.paging import PageRequest
from refdesk.server.sites.access import Membership, check_id, membership_in, site_membership
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User

NO_OPEN_SLOT = "this game has no open slot you can request"
REQUESTED = {"base": ["has already been requested"]}
FILTERS = ("search[status]", "search[game_id]", "search[user_id]")
NEWEST_FIRST = (GameRequest.created.desc(), GameRequest.id.desc())


@dataclass(frozen=True)
class Requests:
    """Game requests with the users they are for. One request: ``total`` 1, ``page`` None."""

    member: Membership
    requests: list[GameRequest]
    users: dict[int, User]
    total: int = 1
    page: PageRequest | None = None


async def users_of(session: AsyncSession, requests: list[GameRequest]) -> dict[int, User]:
    ids = {r.user_id for r in requests}
    if not ids:
        return {}
    return {u.id: u for u in await session.scalars(select(User).where(User.id.in_(ids)))}


async def _one(session: AsyncSession, request: GameRequest, member: Membership) -> Requests:
    return Requests(member, [request], await users_of(session, [request]))


def _vacant(game_id: int, position_id: int | None) -> Any:
    query = select(Assignment).where(
        Assignment.game_id == game_id, Assignment.official_id.is_(None)
    )
    if position_id is not None:
        query = query.where(Assignment.position_id == position_id)
    return query.order_by(Assignment.sort_order, Assignment.id)


async def create_request(
    session: AsyncSession, principal: Principal, inp: RequestInput
) -> Requests:
    inp.errors_of("game_id").raise_if_any()
    assert inp.game_id is not None
    game, member = await load_game(session, principal, inp.game_id, for_update=True)
    user = member.user
    if member.administers and inp.user_sent is not None:
        inp.errors_of("user_id").raise_if_any()
        user = await session.get(User, inp.user_id)
        if user is None or user.site_id != game.site_id:
            raise ValidationFailed({"user_id": ["does not exist"]})
    elif not member.administers:
        if inp.user_sent is not None and (user is None or inp.user_sent != str(user.id)):
            raise Forbidden("You may not request games for another user")
        member.require(member.official and member.site.show_game_requests, "request games")
    if user is None or not user.official or not user.active:
        raise ValidationFailed({"user_id": ["must be an active official of this site"]})
    inp.errors_of("position_id", "comment").raise_if_any()
    position = inp.position_id
    comment = inp.comment or None
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
        await _self_assign(session, request, game, member.site, user, slot, principal)
    if request.status == "pending":  # a self-assigned slot records its own events instead
        record(
            session,
            topic=topics.GAME_REQUEST_CREATED,
            site_id=game.site_id,
            resource_type=topics.RESOURCE_GAME_REQUEST,
            resource_id=request.id,
            game_id=game.id,
            data={"user_id": user.id},
            actor_account_id=principal.account_id,
        )
    return await _one(session, request, member)


async def _self_assign(
    session: AsyncSession,
    request: GameRequest,
    game: Game,
    site: Site,
    user: User,
    slot: Assignment,
    principal: Principal,
) -> None:
    found = await candidates_for(session, slot, game, site)
    mine = next((c for c in found if c.user.id == user.id), None)
    if mine is None or not mine.ok:
        return
    changes = {"official_id": user.id, "accepted": True, "declined": False, "decline_reason": None}
    # A concurrent assign may have put the official on another slot of the game after the
    # candidate check: as if it had come first, the request then stays pending.
    before = SlotState.of(slot)
    if not await unless_taken(session, lambda: apply_changes(session, slot, changes, None)):
        return
    slot_changed(session, slot, site.id, before, principal.account_id)
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


async def get_request(session: AsyncSession, principal: Principal, request_id: int) -> Requests:
    request, member = await load_request(session, principal, request_id)
    return await _one(session, request, member)


async def list_requests(
    session: AsyncSession, principal: Principal, site_id: int, query: RequestQuery
) -> Requests:
    member = await site_membership(session, principal, site_id)
    member.require(member.administers or member.official, "list game requests")
    query.raise_if_invalid()
    statement = (
        select(GameRequest)
        .join(Game, Game.id == GameRequest.game_id)
        .where(Game.site_id == site_id)
    )
    if not member.administers:
        statement = statement.where(GameRequest.user_id == (member.user.id if member.user else -1))
    if query.status is not None:
        statement = statement.where(GameRequest.status == query.status)
    if query.game_id is not None:
        statement = statement.where(GameRequest.game_id == query.game_id)
    if query.user_id is not None:
        statement = statement.where(GameRequest.user_id == query.user_id)
    requests, total = await page_of(session, statement, NEWEST_FIRST, query.page)
    return Requests(member, requests, await users_of(session, requests), total, query.page)


async def withdraw(session: AsyncSession, principal: Principal, request_id: int) -> None:
    request, _ = await load_request(session, principal, request_id, for_update=True)
    if request.status != "pending":
        raise ValidationFailed({"base": ["can only withdraw a pending request"]})
    request.status = "withdrawn"
    await session.flush()


async def _pending(
    session: AsyncSession, principal: Principal, request_id: int
) -> tuple[GameRequest, Membership]:
    request, member = await load_request(session, principal, request_id, for_update=True)
    member.require(member.administers, "approve or decline game requests")
    if request.status != "pending":
        raise ValidationFailed({"base": ["is not pending"]})
    return request, member


async def decline(session: AsyncSession, principal: Principal, request_id: int) -> Requests:
    request, member = await _pending(session, principal, request_id)
    request.status = "declined"
    await session.flush()
    return await _one(session, request, member)


async def approve(
    session: AsyncSession, principal: Principal, request_id: int, inp: ApprovalInput
) -> Requests:
    """The official gets the given vacant slot, or the first that fits the request."""
    request, member = await _pending(session, principal, request_id)
    slot: Assignment | None
    inp.raise_if_invalid()
    if inp.assignment_id is not None:
        slot = await session.scalar(
            select(Assignment)
            .where(
                Assignment.id == inp.assignment_id,
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
    before = SlotState.of(slot)
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
    slot_changed(session, slot, member.site.id, before, principal.account_id)
    request.status = "approved"
    request.assignment_id = slot.id
    await session.flush()
    return await _one(session, request, member)
