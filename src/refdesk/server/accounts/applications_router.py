"""``/api/v2/current_account/applications`` (contract §15.3, refdesk extension)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.accounts import applications as service
from refdesk.server.accounts.representation import application_repr
from refdesk.server.accounts.schemas import (
    APPLICATION_CREATE_BODY,
    APPLICATION_UPDATE_BODY,
    parse_application,
)
from refdesk.server.api.deps import API_DEPENDENCIES, Ctx, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection, parse_page
from refdesk.server.auth.models import Application
from refdesk.server.errors import ErrorCollector

router = APIRouter(
    prefix="/api/v2/current_account/applications",
    dependencies=API_DEPENDENCIES,
    tags=["applications"],
)
BODY_KEY = "application"


def _repr(ctx: Ctx, application: Application, **kwargs: Any) -> dict[str, Any]:
    return application_repr(application, ctx.base, ctx.runtime.settings.default_time_zone, **kwargs)


@router.get("")
async def list_applications(ctx: CtxDep) -> Response:
    """The acting account's applications, ordered by id."""
    errors = ErrorCollector()
    page = parse_page(ctx.query(), errors)
    errors.raise_if_any()
    rows, total = await service.list_applications(ctx.session, ctx.principal, page)
    return ctx.respond(
        collection(
            ctx.base,
            "/current_account/applications",
            "applications",
            (_repr(ctx, a) for a in rows),
            total,
            page,
        )
    )


@router.post("", status_code=201, openapi_extra=body_doc(APPLICATION_CREATE_BODY))
async def create_application(ctx: CtxDep) -> Response:
    """Register an application; the only response that shows its client_secret (and rotation)."""
    values = parse_application(await ctx.body(BODY_KEY), creating=True)
    result = await service.create(ctx.session, ctx.runtime.hasher, ctx.principal, values)
    return ctx.created(
        _repr(ctx, result.application, secret=result.client_secret, with_secret=True)
    )


@router.get("/{application_id:int}")
async def get_application(application_id: int, ctx: CtxDep) -> Response:
    application = await service.get_application(ctx.session, ctx.principal, application_id)
    return ctx.respond(_repr(ctx, application))


@router.put("/{application_id:int}", openapi_extra=body_doc(APPLICATION_UPDATE_BODY))
@router.patch("/{application_id:int}", openapi_extra=body_doc(APPLICATION_UPDATE_BODY))
async def update_application(application_id: int, ctx: CtxDep) -> Response:
    """Change name, redirect_uris or scopes (confidential is fixed at create)."""
    values = parse_application(await ctx.body(BODY_KEY), creating=False)
    application = await service.update_application(
        ctx.session, ctx.principal, application_id, values
    )
    return ctx.respond(_repr(ctx, application))


@router.delete("/{application_id:int}", status_code=204)
async def delete_application(application_id: int, ctx: CtxDep) -> Response:
    """Delete the application and revoke every token issued to it."""
    await service.delete_application(ctx.session, ctx.principal, application_id)
    return Response(status_code=204)


@router.post("/{application_id:int}/rotate_secret")
async def rotate_secret(application_id: int, ctx: CtxDep) -> Response:
    """A new client_secret; the old one and every token of the application stop working."""
    result = await service.rotate_secret(
        ctx.session, ctx.runtime.hasher, ctx.principal, application_id
    )
    return ctx.respond(
        _repr(ctx, result.application, secret=result.client_secret, with_secret=True)
    )
