"""Site endpoints (contract §16.1)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.sites import service
from refdesk.server.sites.representation import site_repr, subscription_repr
from refdesk.server.sites.schemas import (
    SITE_CREATE_BODY,
    SITE_FILTER_KEYS,
    SITE_UPDATE_BODY,
    SUBSCRIPTION_BODY,
    parse_site,
    parse_site_query,
    parse_subscription,
)

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["sites"])


@router.get("/sites")
async def list_sites(ctx: CtxDep) -> Response:
    """Sites where the caller has an active user (operators: all), ordered by id."""
    query = parse_site_query(ctx.query())
    sites, total = await service.list_sites(ctx.session, ctx.principal, query)
    filters = supplied_filters(ctx.raw_query(), SITE_FILTER_KEYS) if query.name else {}
    items = (site_repr(s, ctx.base) for s in sites)
    return ctx.respond(collection(ctx.base, "/sites", "sites", items, total, query.page, filters))


@router.post("/sites", status_code=201, openapi_extra=body_doc(SITE_CREATE_BODY))
async def create_site(ctx: CtxDep) -> Response:
    """Create a site (operators, or anyone when site_creation=anyone); the caller becomes its
    assignor."""
    inp = parse_site(await ctx.body("site"), creating=True)
    site = await service.create_site(ctx.session, ctx.runtime.settings, ctx.principal, inp)
    return ctx.created(site_repr(site, ctx.base))


@router.get("/sites/{site_id:int}")
async def get_site(site_id: int, ctx: CtxDep) -> Response:
    """One site (readable even when its subscription has lapsed)."""
    site = await service.read_site(ctx.session, ctx.principal, site_id)
    return ctx.respond(site_repr(site, ctx.base))


@router.put("/sites/{site_id:int}", openapi_extra=body_doc(SITE_UPDATE_BODY))
@router.patch("/sites/{site_id:int}", openapi_extra=body_doc(SITE_UPDATE_BODY))
async def update_site(site_id: int, ctx: CtxDep) -> Response:
    """Change a site's settings (assignors)."""
    inp = parse_site(await ctx.body("site"), creating=False)
    site = await service.update_site(ctx.session, ctx.principal, site_id, inp)
    return ctx.respond(site_repr(site, ctx.base))


@router.delete("/sites/{site_id:int}", status_code=204)
async def delete_site(site_id: int, ctx: CtxDep) -> Response:
    """Delete a site and everything in it (operators)."""
    await service.delete_site(ctx.session, ctx.principal, site_id)
    return Response(status_code=204)


@router.get("/sites/{site_id:int}/subscription")
async def get_subscription(site_id: int, ctx: CtxDep) -> Response:
    """The site's subscription (readable even when it has lapsed)."""
    site, count = await service.read_subscription(ctx.session, ctx.principal, site_id)
    return ctx.respond(subscription_repr(site, ctx.base, count))


@router.put("/sites/{site_id:int}/subscription", openapi_extra=body_doc(SUBSCRIPTION_BODY))
@router.patch("/sites/{site_id:int}/subscription", openapi_extra=body_doc(SUBSCRIPTION_BODY))
async def update_subscription(site_id: int, ctx: CtxDep) -> Response:
    """Change the subscription (operators)."""
    inp = parse_subscription(await ctx.body("subscription"))
    site, count = await service.update_subscription(ctx.session, ctx.principal, site_id, inp)
    return ctx.respond(subscription_repr(site, ctx.base, count))
