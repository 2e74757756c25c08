"""Auto-assign endpoints (refdesk extension, issue 14): ask for a proposal (202, solved in
the background), read it, apply it, discard it. Assignors and managers only."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.background import BackgroundTask
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.autoassign import representation, schemas, service
from refdesk.server.autoassign.jobs import jobs_of
from refdesk.server.autoassign.models import AutoAssignProposal
from refdesk.server.sites.access import Membership

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["auto-assign"])
PATH = "/sites/{site_id:int}/auto_assign"
ONE = PATH + "/{proposal_id:int}"


def _document(ctx: CtxDep, proposal: AutoAssignProposal, member: Membership) -> dict[str, object]:
    progress = jobs_of(ctx.runtime).progress.get(proposal.id)
    return representation.proposal_document(proposal, member.site, ctx.base, progress)


@router.post(PATH, status_code=202, openapi_extra=body_doc(schemas.CREATE_BODY, required=True))
async def create_proposal(site_id: int, ctx: CtxDep) -> Response:
    """Ask for a proposal that fills the site's slots in a range of dates (solved later)."""
    member = await service.member_for(ctx.session, ctx.principal, site_id)
    settings = ctx.runtime.settings
    inp = schemas.parse_create(
        await ctx.body("auto_assign"),
        service.today_of(member),
        settings.autoassign_max_days,
        settings.autoassign_max_time_limit_seconds,
    )
    proposal = await service.create(
        ctx.session, member, inp, settings.autoassign_time_limit_seconds
    )
    body = _document(ctx, proposal, member)
    response = ctx.respond(body, 202, {"Location": body["_links"]["self"]["href"]})  # type: ignore[index]
    # After the session's commit (the dependency commits before the response is sent).
    response.background = BackgroundTask(jobs_of(ctx.runtime).launch, proposal.id)
    return response


@router.get(ONE)
async def get_proposal(site_id: int, proposal_id: int, ctx: CtxDep) -> Response:
    """One proposal: its status, and once done the fills and the empty slots with reasons."""
    proposal, member, restart = await service.read(
        ctx.session, ctx.runtime, ctx.principal, site_id, proposal_id
    )
    response = ctx.respond(_document(ctx, proposal, member))
    if restart:
        response.background = BackgroundTask(jobs_of(ctx.runtime).launch, proposal.id)
    return response


@router.post(ONE + "/apply")
async def apply_proposal(site_id: int, proposal_id: int, ctx: CtxDep) -> Response:
    """Assign every fill whose slot is unchanged since the proposal; report the others."""
    proposal, member = await service.apply(ctx.session, ctx.principal, site_id, proposal_id)
    return ctx.respond(_document(ctx, proposal, member))


@router.delete(ONE, status_code=204)
async def discard_proposal(site_id: int, proposal_id: int, ctx: CtxDep) -> Response:
    """Discard a proposal (applied slots stay as they are)."""
    await service.discard(ctx.session, ctx.principal, site_id, proposal_id)
    return Response(status_code=204)
