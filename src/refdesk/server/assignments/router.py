"""Assignment endpoints (contract §16.4): parse, call one rule, represent, respond.

The session dependency commits a write request when the endpoint returns normally.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import supplied_filters
from refdesk.server.assignments import representation, schemas, service
from refdesk.server.assignments.models import Assignment
from refdesk.server.games.models import Game
from refdesk.server.sites.access import Membership

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["assignments"])
CANDIDATE_FILTERS = ("search[query]", "search[ok]", "search[group_id]")


async def _respond(ctx: CtxDep, slot: Assignment, game: Game, member: Membership) -> Response:
    return ctx.respond(
        await representation.assignment_document(ctx.session, slot, game, member, ctx.base)
    )


@router.get("/assignments/{assignment_id:int}")
async def get_assignment(assignment_id: int, ctx: CtxDep) -> Response:
    """One slot; visible whenever its game is."""
    slot, game, member = await service.read_assignment(ctx.session, ctx.principal, assignment_id)
    return await _respond(ctx, slot, game, member)


@router.get("/games/{game_id:int}/assignments")
async def list_game_assignments(game_id: int, ctx: CtxDep) -> Response:
    """A game's slots in sort order."""
    query = schemas.parse_slots_query(ctx.query())
    game, member = await service.game_slots(ctx.session, ctx.principal, game_id, query)
    return ctx.respond(
        await representation.game_assignments_document(
            ctx.session, game, member, query.page, ctx.base
        )
    )


@router.post(
    "/games/{game_id:int}/assignments", openapi_extra=body_doc(schemas.ASSIGN_TO_GAME_BODY)
)
async def assign_to_game(game_id: int, ctx: CtxDep) -> Response:
    """Put an official on the first vacant slot (of ``position_id``, if given)."""
    inp = schemas.parse_assign_to_game(await ctx.body("assignment"))
    slot, game, member = await service.assign_to_game(ctx.session, ctx.principal, game_id, inp)
    return await _respond(ctx, slot, game, member)


EDIT_DOC = body_doc(schemas.EDIT_BODY)


@router.put("/assignments/{assignment_id:int}", openapi_extra=EDIT_DOC)
@router.patch("/assignments/{assignment_id:int}", openapi_extra=EDIT_DOC)
async def update_assignment(assignment_id: int, ctx: CtxDep) -> Response:
    """Edit a slot (assignors, managers) or answer it (the holder)."""
    inp = schemas.parse_edit(await ctx.body("assignment"))
    slot, game, member = await service.edit(ctx.session, ctx.principal, assignment_id, inp)
    return await _respond(ctx, slot, game, member)


ASSIGN_DOC = body_doc(schemas.ASSIGN_BODY)


@router.post("/assignments/{assignment_id:int}/assign", openapi_extra=ASSIGN_DOC)
@router.put("/assignments/{assignment_id:int}/assign", openapi_extra=ASSIGN_DOC)
async def assign(assignment_id: int, ctx: CtxDep) -> Response:
    """Put an official (``user_id`` or ``official_id``) on the slot."""
    inp = schemas.parse_assign(await ctx.body("assignment"))
    slot, game, member = await service.assign(ctx.session, ctx.principal, assignment_id, inp)
    return await _respond(ctx, slot, game, member)


UNASSIGN_DOC = body_doc(schemas.UNASSIGN_BODY)


@router.post("/assignments/{assignment_id:int}/unassign", openapi_extra=UNASSIGN_DOC)
@router.put("/assignments/{assignment_id:int}/unassign", openapi_extra=UNASSIGN_DOC)
async def unassign(assignment_id: int, ctx: CtxDep) -> Response:
    """Vacate the slot."""
    inp = schemas.parse_unassign(await ctx.body("assignment"))
    slot, game, member = await service.unassign(ctx.session, ctx.principal, assignment_id, inp)
    return await _respond(ctx, slot, game, member)


ACCEPT_DOC = body_doc(schemas.ACCEPT_BODY)


@router.post("/assignments/{assignment_id:int}/accept", openapi_extra=ACCEPT_DOC)
@router.put("/assignments/{assignment_id:int}/accept", openapi_extra=ACCEPT_DOC)
async def accept(assignment_id: int, ctx: CtxDep) -> Response:
    """Accept the slot."""
    inp = schemas.parse_accept(await ctx.body("assignment"))
    slot, game, member = await service.respond(ctx.session, ctx.principal, assignment_id, inp)
    return await _respond(ctx, slot, game, member)


DECLINE_DOC = body_doc(schemas.DECLINE_BODY)


@router.post("/assignments/{assignment_id:int}/decline", openapi_extra=DECLINE_DOC)
@router.put("/assignments/{assignment_id:int}/decline", openapi_extra=DECLINE_DOC)
async def decline(assignment_id: int, ctx: CtxDep) -> Response:
    """Decline the slot (``reason`` optional); the cut-off applies to officials."""
    inp = schemas.parse_decline(await ctx.body("assignment"))
    slot, game, member = await service.respond(ctx.session, ctx.principal, assignment_id, inp)
    return await _respond(ctx, slot, game, member)


CONFIRM_DOC = body_doc(schemas.CONFIRM_BODY)


@router.post("/assignments/{assignment_id:int}/confirm", openapi_extra=CONFIRM_DOC)
@router.put("/assignments/{assignment_id:int}/confirm", openapi_extra=CONFIRM_DOC)
async def confirm(assignment_id: int, ctx: CtxDep) -> Response:
    """Compatibility form: ``status`` A (accept) or D (decline)."""
    inp = schemas.parse_confirm(await ctx.body("assignment"))
    slot, game, member = await service.respond(ctx.session, ctx.principal, assignment_id, inp)
    return await _respond(ctx, slot, game, member)


@router.get("/assignments/{assignment_id:int}/candidates")
async def list_candidates(assignment_id: int, ctx: CtxDep) -> Response:
    """Active officials of the site with the conflict codes this slot would raise."""
    query = schemas.parse_candidates_query(ctx.query())
    slot, found, total = await service.list_candidates(
        ctx.session, ctx.principal, assignment_id, query
    )
    filters = supplied_filters(ctx.raw_query(), CANDIDATE_FILTERS)
    return ctx.respond(
        representation.candidates_document(slot, found, total, query.page, filters, ctx.base)
    )
