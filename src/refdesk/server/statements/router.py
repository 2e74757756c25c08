"""Statement endpoints (contract §18.3)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.hal import link
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.money import amount_json, formatted
from refdesk.server.sites.models import Site
from refdesk.server.sites.representation import site_summary
from refdesk.server.statements import service
from refdesk.server.statements.models import Statement, StatementLine
from refdesk.server.timefmt import localized_date, timestamp
from refdesk.server.users.models import User
from refdesk.server.users.representation import user_summary

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["statements"])


def statement_repr(
    statement: Statement, lines: list[StatementLine], official: User | None, site: Site, base: str
) -> dict[str, Any]:
    embedded: dict[str, Any] = {"site": site_summary(site, base)}
    if official is not None:
        embedded["official"] = user_summary(official, site, base)
    return {
        "id": statement.id,
        "statement_date": statement.statement_date.isoformat(),
        "description": statement.description,
        "status": statement.status,
        "amount": amount_json(statement.amount),
        "amount_paid": amount_json(statement.amount_paid),
        "currency": site.currency,
        "formatted_amount": formatted(statement.amount, site.currency),
        "formatted_amount_paid": formatted(statement.amount_paid, site.currency),
        "payor_name": site.name,
        "line_items": [
            {
                "assignment_id": line.assignment_id,
                "game_id": line.game_id,
                "localized_date": localized_date(line.local_date),
                "description": line.description,
                "amount": amount_json(line.amount),
            }
            for line in lines
        ],
        "created": timestamp(statement.created, site.timezone),
        "updated": timestamp(statement.updated, site.timezone),
        "_links": {"self": link(base, f"/statements/{statement.id}", "statement")},
        "_embedded": embedded,
    }


async def page_body(ctx: CtxDep, page: service.StatementPage, path: str) -> Response:
    lines = await service.lines_of(ctx.session, page.statements)
    officials = await service.officials_of(ctx.session, page.statements)
    items = (
        statement_repr(
            s, lines.get(s.id, []), officials.get(s.user_id), page.members[s.site_id].site, ctx.base
        )
        for s in page.statements
    )
    filters = supplied_filters(ctx.raw_query(), service.FILTERS)
    return ctx.respond(
        collection(ctx.base, path, "statements", items, page.total, page.page, filters)
    )


async def one(ctx: CtxDep, statement: Statement, site: Site) -> dict[str, Any]:
    lines = await service.lines_of(ctx.session, [statement])
    officials = await service.officials_of(ctx.session, [statement])
    return statement_repr(
        statement, lines.get(statement.id, []), officials.get(statement.user_id), site, ctx.base
    )


@router.get("/statements")
async def my_statements(ctx: CtxDep) -> Response:
    """Statements paid to the caller's users, newest first."""
    page = await service.my_statements(ctx.session, ctx.principal, ctx.query())
    return await page_body(ctx, page, "/statements")


@router.get("/sites/{site_id:int}/statements")
async def site_statements(site_id: int, ctx: CtxDep) -> Response:
    """A site's statements (assignors, managers)."""
    page = await service.site_statements(ctx.session, ctx.principal, site_id, ctx.query())
    return await page_body(ctx, page, f"/sites/{site_id}/statements")


@router.post("/sites/{site_id:int}/statements", status_code=201)
async def create_statement(site_id: int, ctx: CtxDep) -> Response:
    """Bill an official's unbilled slots of a period (assignors)."""
    data = await ctx.body("statement")
    statement, member = await service.create_statement(ctx.session, ctx.principal, site_id, data)
    body = await one(ctx, statement, member.site)
    await ctx.session.commit()
    return ctx.created(body)


@router.get("/statements/{statement_id:int}")
async def get_statement(statement_id: int, ctx: CtxDep) -> Response:
    """One statement (its official, or assignors and managers)."""
    statement, member = await service.load_statement(ctx.session, ctx.principal, statement_id)
    return ctx.respond(await one(ctx, statement, member.site))


@router.put("/statements/{statement_id:int}")
@router.patch("/statements/{statement_id:int}")
async def update_statement(statement_id: int, ctx: CtxDep) -> Response:
    """Record payment, edit the description or date, or void (assignors)."""
    data = await ctx.body("statement")
    statement, member = await service.update_statement(
        ctx.session, ctx.principal, statement_id, data
    )
    body = await one(ctx, statement, member.site)
    await ctx.session.commit()
    return ctx.respond(body)
