"""Game request endpoints (contract §16.6)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.hal import link
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.game_requests import service
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import timestamp
from refdesk.server.users.models import User
from refdesk.server.users.representation import user_summary

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["game requests"])


def request_repr(request: GameRequest, user: User | None, site: Site, base: str) -> dict[str, Any]:
    links: dict[str, Any] = {
        "self": link(base, f"/game_requests/{request.id}", "game-request"),
        "game": link(base, f"/games/{request.game_id}", "game"),
        "user": link(base, f"/users/{request.user_id}", "user"),
    }
    if request.assignment_id is not None:
        links["assignment"] = link(base, f"/assignments/{request.assignment_id}", "assignment")
    body: dict[str, Any] = {
        "id": request.id,
        "game_id": request.game_id,
        "position_id": request.position_id,
        "user_id": request.user_id,
        "status": request.status,
        "comment": request.comment,
        "assignment_id": request.assignment_id,
        "created": timestamp(request.created, site.timezone),
        "updated": timestamp(request.updated, site.timezone),
        "_links": links,
    }
    if user is not None:
        body["_embedded"] = {"user": user_summary(user, site, base)}
    return body


async def users_of(session: AsyncSession, requests: list[GameRequest]) -> dict[int, User]:
    ids = {r.user_id for r in requests}
    if not ids:
        return {}
    return {u.id: u for u in (await session.scalars(select(User).where(User.id.in_(ids)))).all()}


async def one(ctx: CtxDep, request: GameRequest, site: Site) -> dict[str, Any]:
    users = await users_of(ctx.session, [request])
    return request_repr(request, users.get(request.user_id), site, ctx.base)


@router.post("/game_requests", status_code=201)
async def create_request(ctx: CtxDep) -> Response:
    """Ask for a vacant slot of an open game."""
    data = await ctx.body("game_request")
    request, member = await service.create_request(ctx.session, ctx.principal, data)
    body = await one(ctx, request, member.site)
    await ctx.session.commit()
    return ctx.created(body)


@router.get("/sites/{site_id:int}/game_requests")
async def list_requests(site_id: int, ctx: CtxDep) -> Response:
    """A site's game requests (officials: their own), newest first."""
    member, requests, total, page = await service.list_requests(
        ctx.session, ctx.principal, site_id, ctx.query()
    )
    users = await users_of(ctx.session, requests)
    items = (request_repr(r, users.get(r.user_id), member.site, ctx.base) for r in requests)
    filters = supplied_filters(ctx.raw_query(), service.FILTERS)
    return ctx.respond(
        collection(
            ctx.base,
            f"/sites/{site_id}/game_requests",
            "game_requests",
            items,
            total,
            page,
            filters,
        )
    )


@router.get("/game_requests/{request_id:int}")
async def get_request(request_id: int, ctx: CtxDep) -> Response:
    """One game request."""
    request, member = await service.load_request(ctx.session, ctx.principal, request_id)
    return ctx.respond(await one(ctx, request, member.site))


@router.delete("/game_requests/{request_id:int}", status_code=204)
async def withdraw_request(request_id: int, ctx: CtxDep) -> Response:
    """Withdraw a pending request."""
    await service.withdraw(ctx.session, ctx.principal, request_id)
    await ctx.session.commit()
    return Response(status_code=204)


@router.post("/game_requests/{request_id:int}/approve")
async def approve_request(request_id: int, ctx: CtxDep) -> Response:
    """Approve: the official gets the requested (or given) vacant slot."""
    data = await ctx.body("game_request")
    request, member = await service.decide(ctx.session, ctx.principal, request_id, data, True)
    body = await one(ctx, request, member.site)
    await ctx.session.commit()
    return ctx.respond(body)


@router.post("/game_requests/{request_id:int}/decline")
async def decline_request(request_id: int, ctx: CtxDep) -> Response:
    """Decline a pending request."""
    data = await ctx.body("game_request")
    request, member = await service.decide(ctx.session, ctx.principal, request_id, data, False)
    body = await one(ctx, request, member.site)
    await ctx.session.commit()
    return ctx.respond(body)
