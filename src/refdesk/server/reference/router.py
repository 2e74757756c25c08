"""Endpoints for every reference kind, generated from the registry (contract §14.6)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.reference import service
from refdesk.server.reference.kinds import Kind
from refdesk.server.reference.representation import (
    AGE_GROUPS,
    GAME_TYPES,
    GENDERS,
    GROUPS,
    LEAGUES,
    PATTERNS,
    POSITIONS,
    TEAMS,
)
from refdesk.server.reference.schemas import parse_reference_query
from refdesk.server.venues.representation import VENUES, ZONES

KINDS: tuple[Kind, ...] = (
    VENUES,
    ZONES,
    AGE_GROUPS,
    LEAGUES,
    TEAMS,
    GAME_TYPES,
    GENDERS,
    POSITIONS,
    PATTERNS,
    GROUPS,
)

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["reference data"])


def _label(kind: Kind) -> str:
    return kind.plural.replace("_", " ")


def _register(kind: Kind) -> None:
    label = _label(kind)

    async def list_records(site_id: int, ctx: CtxDep) -> Response:
        query = parse_reference_query(ctx.query())
        listing = await service.list_records(ctx.session, ctx.principal, kind, site_id, query)
        filters = supplied_filters(ctx.raw_query(), ["search[name]"]) if listing.name_filter else {}
        items = (
            kind.represent(r, listing.site, ctx.base, listing.extras.get(r.id))
            for r in listing.records
        )
        return ctx.respond(
            collection(
                ctx.base,
                f"/sites/{site_id}/{kind.plural}",
                kind.plural,
                items,
                listing.total,
                listing.page,
                filters,
            )
        )

    async def create_record(site_id: int, ctx: CtxDep) -> Response:
        write = kind.parse(await ctx.body(kind.singular))
        record, site = await service.create_record(ctx.session, ctx.principal, kind, site_id, write)
        extra = await service.extras_of(ctx.session, kind, record, site)
        return ctx.created(kind.represent(record, site, ctx.base, extra))

    async def get_record(record_id: int, ctx: CtxDep) -> Response:
        record, member = await service.load_record(ctx.session, ctx.principal, kind, record_id)
        extra = await service.extras_of(ctx.session, kind, record, member.site)
        return ctx.respond(kind.represent(record, member.site, ctx.base, extra))

    async def update_record(record_id: int, ctx: CtxDep) -> Response:
        write = kind.parse(await ctx.body(kind.singular))
        record, site = await service.update_record(
            ctx.session, ctx.principal, kind, record_id, write
        )
        extra = await service.extras_of(ctx.session, kind, record, site)
        return ctx.respond(kind.represent(record, site, ctx.base, extra))

    async def delete_record(record_id: int, ctx: CtxDep) -> Response:
        await service.delete_record(ctx.session, ctx.principal, kind, record_id)
        return Response(status_code=204)

    endpoints: list[tuple[str, str, Callable[..., Awaitable[Response]], str, int]] = [
        (
            "GET",
            f"/sites/{{site_id:int}}/{kind.plural}",
            list_records,
            f"List a site's {label}.",
            200,
        ),
        (
            "POST",
            f"/sites/{{site_id:int}}/{kind.plural}",
            create_record,
            f"Create one of a site's {label} (assignors, managers).",
            201,
        ),
        ("GET", f"/{kind.plural}/{{record_id:int}}", get_record, f"Read one of the {label}.", 200),
        (
            "PUT",
            f"/{kind.plural}/{{record_id:int}}",
            update_record,
            f"Update one of the {label} (partial).",
            200,
        ),
        (
            "PATCH",
            f"/{kind.plural}/{{record_id:int}}",
            update_record,
            f"Update one of the {label} (partial).",
            200,
        ),
        (
            "DELETE",
            f"/{kind.plural}/{{record_id:int}}",
            delete_record,
            f"Delete one of the {label}.",
            204,
        ),
    ]
    for method, path, endpoint, summary, status in endpoints:
        router.add_api_route(
            path,
            endpoint,
            methods=[method],
            summary=summary,
            status_code=status,
            operation_id=f"{method.lower()}_{kind.plural}_{endpoint.__name__}",
            openapi_extra=body_doc(kind.body) if method in ("POST", "PUT", "PATCH") else None,
        )


for _kind in KINDS:
    _register(_kind)
