"""Statement endpoints (contract §18.3)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.statements import service
from refdesk.server.statements.representation import statements_repr
from refdesk.server.statements.schemas import (
    STATEMENT_BODY,
    STATEMENT_CHANGE_BODY,
    parse_statement,
    parse_statement_change,
    parse_statement_query,
)

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["statements"])


def page_body(ctx: CtxDep, found: service.Statements, path: str) -> Response:
    assert found.page is not None
    items = statements_repr(found, ctx.base)
    filters = supplied_filters(ctx.raw_query(), service.FILTERS)
    return ctx.respond(
        collection(ctx.base, path, "statements", items, found.total, found.page, filters)
    )


@router.get("/statements")
async def my_statements(ctx: CtxDep) -> Response:
    """Statements paid to the caller's users, newest first."""
    query = parse_statement_query(ctx.query(), with_user=False)
    found = await service.my_statements(ctx.session, ctx.principal, query)
    return page_body(ctx, found, "/statements")


@router.get("/sites/{site_id:int}/statements")
async def site_statements(site_id: int, ctx: CtxDep) -> Response:
    """A site's statements (assignors, managers)."""
    query = parse_statement_query(ctx.query(), with_user=True)
    found = await service.site_statements(ctx.session, ctx.principal, site_id, query)
    return page_body(ctx, found, f"/sites/{site_id}/statements")


@router.post(
    "/sites/{site_id:int}/statements", status_code=201, openapi_extra=body_doc(STATEMENT_BODY)
)
async def create_statement(site_id: int, ctx: CtxDep) -> Response:
    """Bill an official's unbilled slots of a period (assignors)."""
    inp = parse_statement(await ctx.body("statement"))
    found = await service.create_statement(ctx.session, ctx.principal, site_id, inp)
    return ctx.created(statements_repr(found, ctx.base)[0])


@router.get("/statements/{statement_id:int}")
async def get_statement(statement_id: int, ctx: CtxDep) -> Response:
    """One statement (its official, or assignors and managers)."""
    found = await service.get_statement(ctx.session, ctx.principal, statement_id)
    return ctx.respond(statements_repr(found, ctx.base)[0])


@router.put("/statements/{statement_id:int}", openapi_extra=body_doc(STATEMENT_CHANGE_BODY))
@router.patch("/statements/{statement_id:int}", openapi_extra=body_doc(STATEMENT_CHANGE_BODY))
async def update_statement(statement_id: int, ctx: CtxDep) -> Response:
    """Record payment, edit the description or date, or void (assignors)."""
    inp = parse_statement_change(await ctx.body("statement"))
    found = await service.update_statement(ctx.session, ctx.principal, statement_id, inp)
    return ctx.respond(statements_repr(found, ctx.base)[0])
