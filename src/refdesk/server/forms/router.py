"""Form template, submission and web-view endpoints (contract §18.5, §18.6)."""

from __future__ import annotations

import html
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import HTMLResponse, Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep, RuntimeDep
from refdesk.server.api.errors import ApiError
from refdesk.server.api.hal import link
from refdesk.server.api.origin import base_url
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.db.shared_session import session_for
from refdesk.server.forms import service
from refdesk.server.forms.models import FormSubmission, FormTemplate
from refdesk.server.forms.representation import attachments, ordered_values, summary
from refdesk.server.games.bundle import load_bundle
from refdesk.server.games.models import Game
from refdesk.server.reports.router import game_summary
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import timestamp
from refdesk.server.users.models import User

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["forms"])
webview = APIRouter(tags=["forms"])


def template_repr(template: FormTemplate, site: Site, base: str) -> dict[str, Any]:
    return {
        "id": template.id,
        "name": template.name,
        "description": template.description,
        "active": template.active,
        "fields": template.fields,
        "mappings": template.mappings,
        "created": timestamp(template.created, site.timezone),
        "updated": timestamp(template.updated, site.timezone),
        "_links": {
            "self": link(base, f"/form/templates/{template.id}", "form-template"),
            "submissions": link(base, f"/form/templates/{template.id}/submissions"),
        },
    }


async def submissions_repr(
    ctx: CtxDep, runtime: Runtime, rows: list[FormSubmission], template: FormTemplate, site: Site
) -> list[dict[str, Any]]:
    game_ids = {s.game_id for s in rows if s.game_id}
    games = (
        {
            g.id: g
            for g in (await ctx.session.scalars(select(Game).where(Game.id.in_(game_ids)))).all()
        }
        if game_ids
        else {}
    )
    bundle = await load_bundle(ctx.session, list(games.values()), {site.id: site})
    author_ids = {s.author_id for s in rows if s.author_id}
    authors = (
        {
            u.id: u
            for u in (await ctx.session.scalars(select(User).where(User.id.in_(author_ids)))).all()
        }
        if author_ids
        else {}
    )
    result = []
    for submission in rows:
        author = authors.get(submission.author_id) if submission.author_id else None
        token = service.webview_token(runtime.hasher, submission.webview_salt)
        body: dict[str, Any] = {
            "id": submission.id,
            "author_name": f"{author.first_name} {author.last_name}" if author else "",
            **summary(template, submission),
            "attachments": attachments(template, submission),
            "created": timestamp(submission.created, site.timezone),
            "updated": timestamp(submission.updated, site.timezone),
            "_links": {
                "self": link(ctx.base, f"/form/submissions/{submission.id}", "form-submission"),
                "game_report_webview": {"href": f"{ctx.base}/webview/submissions/{token}"},
                "template": link(ctx.base, f"/form/templates/{template.id}", "form-template"),
            },
        }
        embedded: dict[str, Any] = {"values": ordered_values(template, submission)}
        game = games.get(submission.game_id) if submission.game_id else None
        if game is not None:
            embedded = {"game": game_summary(game, bundle, ctx.base), **embedded}
        body["_embedded"] = embedded
        result.append(body)
    return result


@router.get("/sites/{site_id:int}/form/templates")
async def list_templates(site_id: int, ctx: CtxDep) -> Response:
    """A site's form templates."""
    member, rows, total, page = await service.list_templates(
        ctx.session, ctx.principal, site_id, ctx.query()
    )
    items = (template_repr(t, member.site, ctx.base) for t in rows)
    return ctx.respond(
        collection(
            ctx.base, f"/sites/{site_id}/form/templates", "form_templates", items, total, page
        )
    )


@router.post("/sites/{site_id:int}/form/templates", status_code=201)
async def create_template(site_id: int, ctx: CtxDep) -> Response:
    """Create a form template (assignors, managers)."""
    data = await ctx.body("form_template")
    template, member = await service.create_template(ctx.session, ctx.principal, site_id, data)
    body = template_repr(template, member.site, ctx.base)
    await ctx.session.commit()
    return ctx.created(body)


@router.get("/form/templates/{template_id:int}")
async def get_template(template_id: int, ctx: CtxDep) -> Response:
    """One form template."""
    template, member = await service.load_template(ctx.session, ctx.principal, template_id)
    return ctx.respond(template_repr(template, member.site, ctx.base))


@router.put("/form/templates/{template_id:int}")
@router.patch("/form/templates/{template_id:int}")
async def update_template(template_id: int, ctx: CtxDep) -> Response:
    """Update a form template (assignors, managers)."""
    data = await ctx.body("form_template")
    template, member = await service.update_template(ctx.session, ctx.principal, template_id, data)
    body = template_repr(template, member.site, ctx.base)
    await ctx.session.commit()
    return ctx.respond(body)


@router.delete("/form/templates/{template_id:int}", status_code=204)
async def delete_template(template_id: int, ctx: CtxDep) -> Response:
    """Delete a template without submissions (assignors, managers)."""
    await service.delete_template(ctx.session, ctx.principal, template_id)
    await ctx.session.commit()
    return Response(status_code=204)


@router.get("/form/templates/{template_id:int}/submissions")
async def list_submissions(template_id: int, ctx: CtxDep) -> Response:
    """Submissions of a template (officials and observers: their own), newest first."""
    template, member, rows, total, page = await service.list_submissions(
        ctx.session, ctx.principal, template_id, ctx.query()
    )
    items = await submissions_repr(ctx, ctx.runtime, rows, template, member.site)
    filters = supplied_filters(ctx.raw_query(), service.FILTERS)
    return ctx.respond(
        collection(
            ctx.base,
            f"/form/templates/{template.id}/submissions",
            "form_submissions",
            items,
            total,
            page,
            filters,
        )
    )


@router.post("/form/templates/{template_id:int}/submissions", status_code=201)
async def create_submission(template_id: int, ctx: CtxDep) -> Response:
    """Submit a form for a game."""
    data = await ctx.body("form_submission")
    submission, template, member = await service.create_submission(
        ctx.session, ctx.runtime.hasher, ctx.principal, template_id, data
    )
    body = (await submissions_repr(ctx, ctx.runtime, [submission], template, member.site))[0]
    await ctx.session.commit()
    return ctx.created(body)


@router.get("/form/submissions/{submission_id:int}")
async def get_submission(submission_id: int, ctx: CtxDep) -> Response:
    """One submission."""
    submission, template, member = await service.load_submission(
        ctx.session, ctx.principal, submission_id
    )
    body = (await submissions_repr(ctx, ctx.runtime, [submission], template, member.site))[0]
    return ctx.respond(body)


@router.delete("/form/submissions/{submission_id:int}", status_code=204)
async def delete_submission(submission_id: int, ctx: CtxDep) -> Response:
    """Delete a submission (assignors, managers)."""
    submission, _, _ = await service.load_submission(
        ctx.session, ctx.principal, submission_id, write=True
    )
    await ctx.session.delete(submission)
    await ctx.session.commit()
    return Response(status_code=204)


@webview.get("/webview/submissions/{token}")
async def submission_webview(token: str, request: Request, runtime: RuntimeDep) -> Response:
    """An unauthenticated HTML rendering of one submission (link from the API)."""
    async with session_for(request.scope, runtime.db) as session:
        found = await service.by_webview_token(session, runtime.hasher, token)
        if found is None:
            raise ApiError("not_found", "No such submission")
        submission, template = found
    rows = "".join(
        f"<tr><th>{html.escape(str(v.get('label', v['key'])))}</th>"
        f"<td>{html.escape(v['value'])}</td></tr>"
        for v in ordered_values(template, submission)
    )
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(template.name)}</title></head><body><h1>"
        f"{html.escape(template.name)}</h1><table>{rows}</table>"
        f"<p><a href='{html.escape(base_url(request.scope, runtime.settings))}'>refdesk</a>"
        f"</p></body></html>"
    )
    return HTMLResponse(page)
