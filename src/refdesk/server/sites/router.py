"""Site endpoints (contract §16.1)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.pagination import collection, parse_page, supplied_filters
from refdesk.server.errors import ErrorCollector
from refdesk.server.sites import service
from refdesk.server.sites.access import site_membership
from refdesk.server.sites.representation import site_repr, subscription_repr

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["sites"])


@router.get("/sites")
async def list_sites(ctx: CtxDep) -> Response:
    """Sites where the caller has an active user (operators: all), ordered by id."""
    query = ctx.query()
    errors = ErrorCollector()
    page = parse_page(query, errors)
    errors.raise_if_any()
    search = query.get("search")
    name = search.get("name") if isinstance(search, dict) else None
    name = name if isinstance(name, str) and name.strip() else None
    sites, total = await service.page_of(
        ctx.session, service.visible_sites(ctx.principal, name), page.offset, page.limit
    )
    filters = supplied_filters(ctx.raw_query(), ["search[name]"]) if name else {}
    return ctx.respond(
        collection(
            ctx.base,
            "/sites",
            "sites",
            (site_repr(s, ctx.base) for s in sites),
            total,
            page,
            filters,
        )
    )


@router.post("/sites", status_code=201)
async def create_site(ctx: CtxDep) -> Response:
    """Create a site (operators, or anyone when site_creation=anyone); the caller becomes its
    assignor."""
    data = await ctx.body("site")
    site = await service.create_site(ctx.session, ctx.runtime.settings, ctx.principal, data)
    await ctx.session.commit()
    return ctx.created(site_repr(site, ctx.base))


@router.get("/sites/{site_id:int}")
async def get_site(site_id: int, ctx: CtxDep) -> Response:
    """One site (readable even when its subscription has lapsed)."""
    member = await site_membership(ctx.session, ctx.principal, site_id, allow_lapsed=True)
    return ctx.respond(site_repr(member.site, ctx.base))


@router.put("/sites/{site_id:int}")
@router.patch("/sites/{site_id:int}")
async def update_site(site_id: int, ctx: CtxDep) -> Response:
    """Change a site's settings (assignors)."""
    data = await ctx.body("site")
    site = await service.update_site(ctx.session, ctx.principal, site_id, data)
    await ctx.session.commit()
    return ctx.respond(site_repr(site, ctx.base))


@router.delete("/sites/{site_id:int}", status_code=204)
async def delete_site(site_id: int, ctx: CtxDep) -> Response:
    """Delete a site and everything in it (operators)."""
    await service.delete_site(ctx.session, ctx.principal, site_id)
    await ctx.session.commit()
    return Response(status_code=204)


@router.get("/sites/{site_id:int}/subscription")
async def get_subscription(site_id: int, ctx: CtxDep) -> Response:
    """The site's subscription (readable even when it has lapsed)."""
    member = await site_membership(ctx.session, ctx.principal, site_id, allow_lapsed=True)
    count = await service.officials_count(ctx.session, site_id)
    return ctx.respond(subscription_repr(member.site, ctx.base, count))


@router.put("/sites/{site_id:int}/subscription")
@router.patch("/sites/{site_id:int}/subscription")
async def update_subscription(site_id: int, ctx: CtxDep) -> Response:
    """Change the subscription (operators)."""
    data = await ctx.body("subscription")
    member = await service.update_subscription(ctx.session, ctx.principal, site_id, data)
    count = await service.officials_count(ctx.session, site_id)
    await ctx.session.commit()
    return ctx.respond(subscription_repr(member.site, ctx.base, count))
