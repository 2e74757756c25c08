"""Conflict and ability endpoints (contract §17.3, §17.4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.hal import link
from refdesk.server.api.pagination import collection
from refdesk.server.officials import service
from refdesk.server.officials.models import OfficialConflict
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import timestamp

router = APIRouter(
    prefix="/api/v2/users/{user_id:int}", dependencies=API_DEPENDENCIES, tags=["officials"]
)


CONFLICT_ID_FIELDS = {
    "team": "team_id",
    "league": "league_id",
    "venue": "venue_id",
    "official": "other_user_id",
}


def conflict_repr(conflict: OfficialConflict, name: str, site: Site, base: str) -> dict[str, Any]:
    # §17.3: only the id member matching ``kind`` is emitted (an integer, never null).
    id_field = CONFLICT_ID_FIELDS[conflict.kind]
    return {
        "id": conflict.id,
        "kind": conflict.kind,
        id_field: getattr(conflict, id_field),
        "name": name,
        "note": conflict.note,
        "created": timestamp(conflict.created, site.timezone),
        "_links": {
            "self": link(base, f"/users/{conflict.user_id}/conflicts/{conflict.id}", "conflict")
        },
    }


@router.get("/conflicts")
async def list_conflicts(user_id: int, ctx: CtxDep) -> Response:
    """An official's team, league, venue and official conflicts (assignors, managers)."""
    user, member, conflicts, names, total, page = await service.list_conflicts(
        ctx.session, ctx.principal, user_id, ctx.query()
    )
    items = (conflict_repr(c, names.get(c.id, ""), member.site, ctx.base) for c in conflicts)
    return ctx.respond(
        collection(ctx.base, f"/users/{user.id}/conflicts", "conflicts", items, total, page)
    )


@router.post("/conflicts", status_code=201)
async def create_conflict(user_id: int, ctx: CtxDep) -> Response:
    """Record a conflict (assignors)."""
    data = await ctx.body("conflict")
    conflict, member, name = await service.create_conflict(
        ctx.session, ctx.principal, user_id, data
    )
    body = conflict_repr(conflict, name, member.site, ctx.base)
    await ctx.session.commit()
    return ctx.created(body)


@router.delete("/conflicts/{conflict_id:int}", status_code=204)
async def delete_conflict(user_id: int, conflict_id: int, ctx: CtxDep) -> Response:
    """Remove a conflict (assignors)."""
    await service.delete_conflict(ctx.session, ctx.principal, user_id, conflict_id)
    await ctx.session.commit()
    return Response(status_code=204)


def abilities_body(user_id: int, abilities: list[dict[str, Any]], base: str) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "abilities": abilities,
        "_links": {"self": link(base, f"/users/{user_id}/abilities")},
    }


@router.get("/abilities")
async def get_abilities(user_id: int, ctx: CtxDep) -> Response:
    """Which age groups and positions the official is qualified for."""
    user, abilities = await service.read_abilities(ctx.session, ctx.principal, user_id)
    return ctx.respond(abilities_body(user.id, abilities, ctx.base))


@router.put("/abilities")
async def replace_abilities(user_id: int, ctx: CtxDep) -> Response:
    """Replace the whole ability list (assignors)."""
    data = await ctx.body(None)
    user, abilities = await service.replace_abilities(ctx.session, ctx.principal, user_id, data)
    await ctx.session.commit()
    return ctx.respond(abilities_body(user.id, abilities, ctx.base))
