"""Availability endpoints (contract §17.2)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.availability import recurring, service
from refdesk.server.availability.representation import availability_repr, weekly_repr
from refdesk.server.availability.schemas import (
    AVAILABILITY_BODY,
    FILTERS,
    WEEKLY_BODY,
    parse_availability,
    parse_availability_query,
    parse_weekly,
)

router = APIRouter(
    prefix="/api/v2/users/{user_id:int}/availability",
    dependencies=API_DEPENDENCIES,
    tags=["availability"],
)


@router.get("")
async def list_availability(user_id: int, ctx: CtxDep) -> Response:
    """An official's availability (default and maximum page size 200)."""
    user, member, entries, total, page = await service.list_entries(
        ctx.session, ctx.principal, user_id, parse_availability_query(ctx.query()), rows=True
    )
    items = (availability_repr(e, member.site, ctx.base) for e in entries)
    filters = supplied_filters(ctx.raw_query(), FILTERS)
    return ctx.respond(
        collection(
            ctx.base, f"/users/{user.id}/availability", "availability", items, total, page, filters
        )
    )


@router.post("", status_code=201, openapi_extra=body_doc(AVAILABILITY_BODY))
async def create_availability(user_id: int, ctx: CtxDep) -> Response:
    """Add an all-day entry or a time window."""
    write = parse_availability(await ctx.body("availability"))
    entry, member = await service.create_entry(ctx.session, ctx.principal, user_id, write)
    return ctx.created(availability_repr(entry, member.site, ctx.base))


@router.post("/weekly", openapi_extra=body_doc(WEEKLY_BODY))
async def apply_weekly(user_id: int, ctx: CtxDep) -> Response:
    """Apply a weekly pattern (refdesk extension): 200 with the dates' entries afterwards."""
    write = parse_weekly(await ctx.body("weekly"))
    result = await recurring.apply_weekly(ctx.session, ctx.principal, user_id, write)
    return ctx.respond(weekly_repr(result, ctx.base))


@router.get("/{availability_id:int}")
async def get_availability(user_id: int, availability_id: int, ctx: CtxDep) -> Response:
    """One availability entry."""
    entry, member = await service.load_entry(
        ctx.session, ctx.principal, user_id, availability_id, write=False
    )
    return ctx.respond(availability_repr(entry, member.site, ctx.base))


@router.put("/{availability_id:int}", openapi_extra=body_doc(AVAILABILITY_BODY))
@router.patch("/{availability_id:int}", openapi_extra=body_doc(AVAILABILITY_BODY))
async def update_availability(user_id: int, availability_id: int, ctx: CtxDep) -> Response:
    """Partial update with ``lock_version``."""
    write = parse_availability(await ctx.body("availability"))
    entry, member = await service.update_entry(
        ctx.session, ctx.principal, user_id, availability_id, write
    )
    return ctx.respond(availability_repr(entry, member.site, ctx.base))


@router.delete("/{availability_id:int}", status_code=204)
async def delete_availability(user_id: int, availability_id: int, ctx: CtxDep) -> Response:
    """Remove an entry."""
    await service.delete_entry(ctx.session, ctx.principal, user_id, availability_id)
    return Response(status_code=204)
