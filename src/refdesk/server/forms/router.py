"""Form template, submission and web-view endpoints (contract §18.5, §18.6)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep, RuntimeDep
from refdesk.server.api.errors import ApiError
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.origin import base_url
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.db.shared_session import session_for
from refdesk.server.forms import service
from refdesk.server.forms.representation import submissions_repr, template_repr, webview_page
from refdesk.server.forms.schemas import (
    SUBMISSION_BODY,
    TEMPLATE_BODY,
    parse_submission,
    parse_submission_query,
    parse_template,
    parse_template_query,
)

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["forms"])
webview = APIRouter(tags=["forms"])


@router.get("/sites/{site_id:int}/form/templates")
async def list_templates(site_id: int, ctx: CtxDep) -> Response:
    """A site's form templates."""
    query = parse_template_query(ctx.query())
    found = await service.list_templates(ctx.session, ctx.principal, site_id, query)
    items = (template_repr(t, found.member.site, ctx.base) for t in found.rows)
    return ctx.respond(
        collection(
            ctx.base,
            f"/sites/{site_id}/form/templates",
            "form_templates",
            items,
            found.total,
            found.page,
        )
    )


@router.post(
    "/sites/{site_id:int}/form/templates", status_code=201, openapi_extra=body_doc(TEMPLATE_BODY)
)
async def create_template(site_id: int, ctx: CtxDep) -> Response:
    """Create a form template (assignors, managers)."""
    inp = parse_template(await ctx.body("form_template"), creating=True)
    template, member = await service.create_template(ctx.session, ctx.principal, site_id, inp)
    return ctx.created(template_repr(template, member.site, ctx.base))


@router.get("/form/templates/{template_id:int}")
async def get_template(template_id: int, ctx: CtxDep) -> Response:
    """One form template."""
    template, member = await service.load_template(ctx.session, ctx.principal, template_id)
    return ctx.respond(template_repr(template, member.site, ctx.base))


@router.put("/form/templates/{template_id:int}", openapi_extra=body_doc(TEMPLATE_BODY))
@router.patch("/form/templates/{template_id:int}", openapi_extra=body_doc(TEMPLATE_BODY))
async def update_template(template_id: int, ctx: CtxDep) -> Response:
    """Update a form template (assignors, managers)."""
    inp = parse_template(await ctx.body("form_template"), creating=False)
    template, member = await service.update_template(ctx.session, ctx.principal, template_id, inp)
    return ctx.respond(template_repr(template, member.site, ctx.base))


@router.delete("/form/templates/{template_id:int}", status_code=204)
async def delete_template(template_id: int, ctx: CtxDep) -> Response:
    """Delete a template without submissions (assignors, managers)."""
    await service.delete_template(ctx.session, ctx.principal, template_id)
    return Response(status_code=204)


@router.get("/form/templates/{template_id:int}/submissions")
async def list_submissions(template_id: int, ctx: CtxDep) -> Response:
    """Submissions of a template (officials and observers: their own), newest first."""
    query = parse_submission_query(ctx.query())
    found = await service.list_submissions(ctx.session, ctx.principal, template_id, query)
    items = submissions_repr(found, ctx.runtime.hasher, ctx.base)
    filters = supplied_filters(ctx.raw_query(), service.FILTERS)
    return ctx.respond(
        collection(
            ctx.base,
            f"/form/templates/{found.template.id}/submissions",
            "form_submissions",
            items,
            found.total,
            query.page,
            filters,
        )
    )


@router.post(
    "/form/templates/{template_id:int}/submissions",
    status_code=201,
    openapi_extra=body_doc(SUBMISSION_BODY),
)
async def create_submission(template_id: int, ctx: CtxDep) -> Response:
    """Submit a form for a game."""
    inp = parse_submission(await ctx.body("form_submission"))
    found = await service.create_submission(
        ctx.session, ctx.runtime.hasher, ctx.principal, template_id, inp
    )
    return ctx.created(submissions_repr(found, ctx.runtime.hasher, ctx.base)[0])


@router.get("/form/submissions/{submission_id:int}")
async def get_submission(submission_id: int, ctx: CtxDep) -> Response:
    """One submission."""
    found = await service.get_submission(ctx.session, ctx.principal, submission_id)
    return ctx.respond(submissions_repr(found, ctx.runtime.hasher, ctx.base)[0])


@router.delete("/form/submissions/{submission_id:int}", status_code=204)
async def delete_submission(submission_id: int, ctx: CtxDep) -> Response:
    """Delete a submission (assignors, managers)."""
    await service.delete_submission(ctx.session, ctx.principal, submission_id)
    return Response(status_code=204)


@webview.get("/webview/submissions/{token}")
async def submission_webview(token: str, request: Request, runtime: RuntimeDep) -> Response:
    """An unauthenticated HTML rendering of one submission (link from the API)."""
    async with session_for(request.scope, runtime.db) as session:
        found = await service.by_webview_token(session, runtime.hasher, token)
        if found is None:
            raise ApiError("not_found", "No such submission")
        submission, template = found
    home = base_url(request.scope, runtime.settings)
    return HTMLResponse(webview_page(template, submission, home))
