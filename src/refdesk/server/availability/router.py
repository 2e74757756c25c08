"""Availability endpoints (contract §17.2)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.availability import service
from refdesk.server.availability.representation import availability_repr

router = APIRouter(
    prefix="/api/v2/users/{user_id:int}/availability",
    dependencies=API_DEPENDENCIES,
    tags=["availability"],
)


@router.get("")
async def list_availability(user_id: int, ctx: CtxDep) -> Response:
    """An official's availability (default and maximum page size 200)."""
    user, member, entries, total, page = await service.list_entries(
        ctx.session, ctx.principal, user_id, ctx.query()
    )
    items = (availability_repr(e, member.site, ctx.base) for e in entries)
    filters = supplied_filters(ctx.raw_query(), service.FILTERS)
    return ctx.respond(
        collection(
            ctx.base, f"/users/{user.id}/availability", "availability", items, total, page, filters
        )
    )


@router.post("", status_code=201)
async def create_availability(user_id: int, ctx: CtxDep) -> Response:
    """Add an all-day entry or a time window."""
    data = await ctx.body("availability")
    entry, member = await service.create_entry(ctx.session, ctx.principal, user_id, data)
    body = availability_repr(entry, member.site, ctx.base)
    await ctx.session.commit()
    return ctx.created(body)


@router.get("/{availability_id:int}")
async def get_availability(user_id: int, availability_id: int, ctx: CtxDep) -> Response:
    """One availability entry."""
    entry, member = await service.load_entry(
        ctx.session, ctx.principal, user_id, availability_id, write=False
    )
    return ctx.respond(availability_repr(entry, member.site, ctx.base))


@router.put("/{availability_id:int}")
@router.patch("/{availability_id:int}")
async def update_availability(user_id: int, availability_id: int, ctx: CtxDep) -> Response:
    """Partial update with ``lock_version``."""
    data = await ctx.body("availability")
    entry, member = await service.update_entry(
        ctx.session, ctx.principal, user_id, availability_id, data
    )
    body = availability_repr(entry, member.site, ctx.base)
    await ctx.session.commit()
    return ctx.respond(body)


@router.delete("/{availability_id:int}", status_code=204)
async def delete_availability(user_id: int, availability_id: int, ctx: CtxDep) -> Response:
    """Remove an entry."""
    await service.delete_entry(ctx.session, ctx.principal, user_id, availability_id)
    await ctx.session.commit()
    return Response(status_code=204)
