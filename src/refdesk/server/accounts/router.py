"""``/api/v2/current_account`` and its collections (contract §15.1–15.2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.accounts import service
from refdesk.server.accounts.representation import account_repr
from refdesk.server.accounts.schemas import (
    ACCOUNT_BODY,
    parse_account_update,
    parse_profiles_query,
)
from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.sites.models import Site
from refdesk.server.sites.representation import site_repr
from refdesk.server.users.models import User
from refdesk.server.users.representation import user_repr

router = APIRouter(
    prefix="/api/v2/current_account", dependencies=API_DEPENDENCIES, tags=["account"]
)


@router.get("")
async def get_current_account(ctx: CtxDep) -> Response:
    """The acting account."""
    account = await service.get_account(ctx.session, ctx.principal)
    return ctx.respond(account_repr(account, ctx.base, ctx.runtime.settings.default_time_zone))


@router.put("", openapi_extra=body_doc(ACCOUNT_BODY))
@router.patch("", openapi_extra=body_doc(ACCOUNT_BODY))
async def update_current_account(ctx: CtxDep) -> Response:
    """Update the acting account (login, e-mail and password need current_password)."""
    values = parse_account_update(await ctx.body("account"))
    account = await service.update_account(ctx.session, ctx.runtime, ctx.principal, values)
    return ctx.respond(account_repr(account, ctx.base, ctx.runtime.settings.default_time_zone))


async def my_profiles(
    ctx: CtxDep, key: str, represent: Callable[[User, Site], dict[str, Any]]
) -> Response:
    """The account's user profiles (one per site) as a collection of ``key``."""
    query = parse_profiles_query(ctx.query())
    rows, total = await service.my_profiles(ctx.session, ctx.principal, query)
    filters = supplied_filters(ctx.raw_query(), ["search[status]"])
    items = (represent(user, site) for user, site in rows)
    return ctx.respond(
        collection(ctx.base, f"/current_account/{key}", key, items, total, query.page, filters)
    )


@router.get("/sites")
async def my_sites(ctx: CtxDep) -> Response:
    """Sites where the account has a user (lapsed subscriptions included), ordered by id."""
    return await my_profiles(ctx, "sites", lambda _user, site: site_repr(site, ctx.base))


@router.get("/users")
async def my_users(ctx: CtxDep) -> Response:
    """The account's user profiles, one per site, ordered by site id."""
    return await my_profiles(
        ctx, "users", lambda user, site: user_repr(user, site, ctx.base, show_private=True)
    )
