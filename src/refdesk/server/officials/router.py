"""Conflict and ability endpoints (contract §17.3, §17.4)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection
from refdesk.server.officials import service
from refdesk.server.officials.representation import abilities_body, conflict_repr
from refdesk.server.officials.schemas import (
    ABILITIES_BODY,
    CONFLICT_BODY,
    parse_abilities,
    parse_conflict,
    parse_paged_query,
)

router = APIRouter(
    prefix="/api/v2/users/{user_id:int}", dependencies=API_DEPENDENCIES, tags=["officials"]
)


@router.get("/conflicts")
async def list_conflicts(user_id: int, ctx: CtxDep) -> Response:
    """An official's team, league, venue and official conflicts (assignors, managers)."""
    user, member, conflicts, names, total, page = await service.list_conflicts(
        ctx.session, ctx.principal, user_id, parse_paged_query(ctx.query())
    )
    items = (conflict_repr(c, names.get(c.id, ""), member.site, ctx.base) for c in conflicts)
    return ctx.respond(
        collection(ctx.base, f"/users/{user.id}/conflicts", "conflicts", items, total, page)
    )


@router.post("/conflicts", status_code=201, openapi_extra=body_doc(CONFLICT_BODY))
async def create_conflict(user_id: int, ctx: CtxDep) -> Response:
    """Record a conflict (assignors)."""
    inp = parse_conflict(await ctx.body("conflict"))
    conflict, member, name = await service.create_conflict(ctx.session, ctx.principal, user_id, inp)
    return ctx.created(conflict_repr(conflict, name, member.site, ctx.base))


@router.delete("/conflicts/{conflict_id:int}", status_code=204)
async def delete_conflict(user_id: int, conflict_id: int, ctx: CtxDep) -> Response:
    """Remove a conflict (assignors)."""
    await service.delete_conflict(ctx.session, ctx.principal, user_id, conflict_id)
    return Response(status_code=204)


@router.get("/abilities")
async def get_abilities(user_id: int, ctx: CtxDep) -> Response:
    """Which age groups and positions the official is qualified for."""
    user, abilities = await service.read_abilities(ctx.session, ctx.principal, user_id)
    return ctx.respond(abilities_body(user.id, abilities, ctx.base))


@router.put("/abilities", openapi_extra=body_doc(ABILITIES_BODY))
async def replace_abilities(user_id: int, ctx: CtxDep) -> Response:
    """Replace the whole ability list (assignors)."""
    inp = parse_abilities(await ctx.body(None))
    user, abilities = await service.replace_abilities(ctx.session, ctx.principal, user_id, inp)
    return ctx.respond(abilities_body(user.id, abilities, ctx.base))
