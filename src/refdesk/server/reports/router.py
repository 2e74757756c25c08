"""Game report endpoints (contract §18.4)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.reports import service
from refdesk.server.reports.representation import reports_repr
from refdesk.server.reports.schemas import REPORT_BODY, parse_report, parse_report_query

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["game reports"])


@router.get("/sites/{site_id:int}/game_reports")
async def list_site_reports(site_id: int, ctx: CtxDep) -> Response:
    """A site's game reports the caller may read, newest first."""
    query = parse_report_query(ctx.query())
    found = await service.list_site_reports(ctx.session, ctx.principal, site_id, query)
    items = reports_repr(found.reports, found.context, ctx.base)
    filters = supplied_filters(ctx.raw_query(), service.FILTERS)
    return ctx.respond(
        collection(
            ctx.base,
            f"/sites/{site_id}/game_reports",
            "game_reports",
            items,
            found.total,
            query.page,
            filters,
        )
    )


@router.get("/games/{game_id:int}/game_reports")
async def list_game_reports(game_id: int, ctx: CtxDep) -> Response:
    """Reports filed for one game."""
    query = parse_report_query(ctx.query(), filters=False)
    found = await service.list_game_reports(ctx.session, ctx.principal, game_id, query)
    items = reports_repr(found.reports, found.context, ctx.base)
    path = f"/games/{game_id}/game_reports"
    return ctx.respond(collection(ctx.base, path, "game_reports", items, found.total, query.page))


@router.post(
    "/games/{game_id:int}/game_reports", status_code=201, openapi_extra=body_doc(REPORT_BODY)
)
async def create_report(game_id: int, ctx: CtxDep) -> Response:
    """File a report (assignors, managers; officials of the game; observers)."""
    inp = parse_report(await ctx.body("game_report"))
    found = await service.create_report(ctx.session, ctx.principal, game_id, inp)
    return ctx.created(reports_repr(found.reports, found.context, ctx.base)[0])


@router.get("/game_reports/{report_id:int}")
async def get_report(report_id: int, ctx: CtxDep) -> Response:
    """One game report."""
    found = await service.get_report(ctx.session, ctx.principal, report_id)
    return ctx.respond(reports_repr(found.reports, found.context, ctx.base)[0])


@router.put("/game_reports/{report_id:int}", openapi_extra=body_doc(REPORT_BODY))
@router.patch("/game_reports/{report_id:int}", openapi_extra=body_doc(REPORT_BODY))
async def update_report(report_id: int, ctx: CtxDep) -> Response:
    """Update a report (its author, assignors, managers)."""
    inp = parse_report(await ctx.body("game_report"))
    found = await service.update_report(ctx.session, ctx.principal, report_id, inp)
    return ctx.respond(reports_repr(found.reports, found.context, ctx.base)[0])


@router.delete("/game_reports/{report_id:int}", status_code=204)
async def delete_report(report_id: int, ctx: CtxDep) -> Response:
    """Delete a report (its author, assignors, managers)."""
    await service.delete_report(ctx.session, ctx.principal, report_id)
    return Response(status_code=204)
