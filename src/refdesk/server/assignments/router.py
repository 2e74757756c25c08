"""Assignment endpoints (contract §16.4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.errors import ApiError
from refdesk.server.api.hal import link
from refdesk.server.api.pagination import collection, parse_page, supplied_filters
from refdesk.server.assignments import service
from refdesk.server.assignments.candidates import Candidate
from refdesk.server.assignments.models import Assignment
from refdesk.server.errors import ErrorCollector
from refdesk.server.games.bundle import load_bundle
from refdesk.server.games.models import Game
from refdesk.server.games.representation import GameFacts, Viewer, assignment_repr
from refdesk.server.sites.access import Membership

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["assignments"])
CANDIDATE_FILTERS = ("search[query]", "search[ok]", "search[group_id]")


async def represent(
    ctx: CtxDep, slot: Assignment, game: Game, member: Membership
) -> dict[str, Any]:
    bundle = await load_bundle(ctx.session, [game], {member.site.id: member.site})
    for candidate, position in bundle.slots.get(game.id, []):
        if candidate.id == slot.id:
            return assignment_repr(candidate, position, game, bundle, Viewer(member), ctx.base)
    raise ApiError("not_found", "The assignment was not found")


async def finish(ctx: CtxDep, slot: Assignment, game: Game, member: Membership) -> Response:
    body = await represent(ctx, slot, game, member)
    await ctx.session.commit()
    return ctx.respond(body)


@router.get("/assignments/{assignment_id:int}")
async def get_assignment(assignment_id: int, ctx: CtxDep) -> Response:
    """One slot; visible whenever its game is."""
    slot, game, member = await service.read_assignment(ctx.session, ctx.principal, assignment_id)
    return ctx.respond(await represent(ctx, slot, game, member))


@router.get("/games/{game_id:int}/assignments")
async def list_game_assignments(game_id: int, ctx: CtxDep) -> Response:
    """A game's slots in sort order."""
    game, member = await service.game_slots(ctx.session, ctx.principal, game_id)
    errors = ErrorCollector()
    page = parse_page(ctx.query(), errors)
    errors.raise_if_any()
    bundle = await load_bundle(ctx.session, [game], {member.site.id: member.site})
    slots = bundle.slots.get(game.id, [])
    viewer = Viewer(member)
    facts = GameFacts.of(game, bundle, ctx.base)
    items = [
        assignment_repr(a, p, game, bundle, viewer, ctx.base, facts)
        for a, p in slots[page.offset : page.offset + page.limit]
    ]
    return ctx.respond(
        collection(
            ctx.base, f"/games/{game.id}/assignments", "assignments", items, len(slots), page
        )
    )


@router.post("/games/{game_id:int}/assignments")
async def assign_to_game(game_id: int, ctx: CtxDep) -> Response:
    """Put an official on the first vacant slot (of ``position_id``, if given)."""
    data = await ctx.body("assignment")
    slot, game, member = await service.assign_to_game(ctx.session, ctx.principal, game_id, data)
    return await finish(ctx, slot, game, member)


@router.put("/assignments/{assignment_id:int}")
@router.patch("/assignments/{assignment_id:int}")
async def update_assignment(assignment_id: int, ctx: CtxDep) -> Response:
    """Edit a slot (assignors, managers) or answer it (the holder)."""
    data = await ctx.body("assignment")
    slot, game, member = await service.edit(ctx.session, ctx.principal, assignment_id, data)
    return await finish(ctx, slot, game, member)


@router.post("/assignments/{assignment_id:int}/assign")
@router.put("/assignments/{assignment_id:int}/assign")
async def assign(assignment_id: int, ctx: CtxDep) -> Response:
    """Put an official (``user_id`` or ``official_id``) on the slot."""
    data = await ctx.body("assignment")
    slot, game, member = await service.assign(ctx.session, ctx.principal, assignment_id, data)
    return await finish(ctx, slot, game, member)


@router.post("/assignments/{assignment_id:int}/unassign")
@router.put("/assignments/{assignment_id:int}/unassign")
async def unassign(assignment_id: int, ctx: CtxDep) -> Response:
    """Vacate the slot."""
    data = await ctx.body("assignment")
    slot, game, member = await service.unassign(ctx.session, ctx.principal, assignment_id, data)
    return await finish(ctx, slot, game, member)


@router.post("/assignments/{assignment_id:int}/accept")
@router.put("/assignments/{assignment_id:int}/accept")
async def accept(assignment_id: int, ctx: CtxDep) -> Response:
    """Accept the slot."""
    data = await ctx.body("assignment")
    slot, game, member = await service.respond(
        ctx.session, ctx.principal, assignment_id, data, accept=True
    )
    return await finish(ctx, slot, game, member)


@router.post("/assignments/{assignment_id:int}/decline")
@router.put("/assignments/{assignment_id:int}/decline")
async def decline(assignment_id: int, ctx: CtxDep) -> Response:
    """Decline the slot (``reason`` optional); the cut-off applies to officials."""
    data = await ctx.body("assignment")
    slot, game, member = await service.respond(
        ctx.session, ctx.principal, assignment_id, data, accept=False
    )
    return await finish(ctx, slot, game, member)


@router.post("/assignments/{assignment_id:int}/confirm")
@router.put("/assignments/{assignment_id:int}/confirm")
async def confirm(assignment_id: int, ctx: CtxDep) -> Response:
    """Compatibility form: ``status`` A (accept) or D (decline)."""
    data = await ctx.body("assignment")
    slot, game, member = await service.respond(
        ctx.session, ctx.principal, assignment_id, data, accept=None
    )
    return await finish(ctx, slot, game, member)


def candidate_repr(candidate: Candidate, slot: Assignment, base: str) -> dict[str, Any]:
    user = candidate.user
    return {
        "user_id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "conflicts": candidate.conflicts,
        "ok": candidate.ok,
        "requested": candidate.requested,
        "current": candidate.current,
        "games_same_day": candidate.games_same_day,
        "_links": {
            "user": link(base, f"/users/{user.id}", "user"),
            "assign": link(base, f"/assignments/{slot.id}/assign"),
        },
    }


@router.get("/assignments/{assignment_id:int}/candidates")
async def list_candidates(assignment_id: int, ctx: CtxDep) -> Response:
    """Active officials of the site with the conflict codes this slot would raise."""
    slot, found, total, page = await service.list_candidates(
        ctx.session, ctx.principal, assignment_id, ctx.query()
    )
    filters = supplied_filters(ctx.raw_query(), CANDIDATE_FILTERS)
    items = (candidate_repr(c, slot, ctx.base) for c in found)
    return ctx.respond(
        collection(
            ctx.base,
            f"/assignments/{slot.id}/candidates",
            "candidates",
            items,
            total,
            page,
            filters,
        )
    )
