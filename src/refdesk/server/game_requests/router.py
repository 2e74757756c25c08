"""Game request endpoints (contract §16.6)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.game_requests import service
from refdesk.server.game_requests.representation import requests_repr
from refdesk.server.game_requests.schemas import (
    APPROVAL_BODY,
    DECLINE_BODY,
    REQUEST_BODY,
    parse_approval,
    parse_request,
    parse_request_query,
)

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["game requests"])


@router.post("/game_requests", status_code=201, openapi_extra=body_doc(REQUEST_BODY))
async def create_request(ctx: CtxDep) -> Response:
    """Ask for a vacant slot of an open game."""
    inp = parse_request(await ctx.body("game_request"))
    found = await service.create_request(ctx.session, ctx.principal, inp)
    return ctx.created(requests_repr(found, ctx.base)[0])


@router.get("/sites/{site_id:int}/game_requests")
async def list_requests(site_id: int, ctx: CtxDep) -> Response:
    """A site's game requests (officials: their own), newest first."""
    query = parse_request_query(ctx.query())
    found = await service.list_requests(ctx.session, ctx.principal, site_id, query)
    filters = supplied_filters(ctx.raw_query(), service.FILTERS)
    return ctx.respond(
        collection(
            ctx.base,
            f"/sites/{site_id}/game_requests",
            "game_requests",
            requests_repr(found, ctx.base),
            found.total,
            query.page,
            filters,
        )
    )


@router.get("/game_requests/{request_id:int}")
async def get_request(request_id: int, ctx: CtxDep) -> Response:
    """One game request."""
    found = await service.get_request(ctx.session, ctx.principal, request_id)
    return ctx.respond(requests_repr(found, ctx.base)[0])


@router.delete("/game_requests/{request_id:int}", status_code=204)
async def withdraw_request(request_id: int, ctx: CtxDep) -> Response:
    """Withdraw a pending request."""
    await service.withdraw(ctx.session, ctx.principal, request_id)
    return Response(status_code=204)


@router.post("/game_requests/{request_id:int}/approve", openapi_extra=body_doc(APPROVAL_BODY))
async def approve_request(request_id: int, ctx: CtxDep) -> Response:
    """Approve: the official gets the requested (or given) vacant slot."""
    inp = parse_approval(await ctx.body("game_request"))
    found = await service.approve(ctx.session, ctx.principal, request_id, inp)
    return ctx.respond(requests_repr(found, ctx.base)[0])


@router.post("/game_requests/{request_id:int}/decline", openapi_extra=body_doc(DECLINE_BODY))
async def decline_request(request_id: int, ctx: CtxDep) -> Response:
    """Decline a pending request."""
    await ctx.body("game_request")  # an unreadable body is still refused (400/413/415)
    found = await service.decline(ctx.session, ctx.principal, request_id)
    return ctx.respond(requests_repr(found, ctx.base)[0])
