"""``/api/v2/current_account`` and its collections (contract §15.1–15.2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.accounts import service
from refdesk.server.accounts.representation import account_repr
from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.pagination import collection, parse_page, supplied_filters
from refdesk.server.errors import ErrorCollector
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


@router.put("")
@router.patch("")
async def update_current_account(ctx: CtxDep) -> Response:
    """Update the acting account (login, e-mail and password need current_password)."""
    data = await ctx.body("account")
    account = await service.update_account(ctx.session, ctx.runtime, ctx.principal, data)
    await ctx.session.commit()
    return ctx.respond(account_repr(account, ctx.base, ctx.runtime.settings.default_time_zone))


async def my_profiles(
    ctx: CtxDep, key: str, represent: Callable[[User, Site], dict[str, Any]]
) -> Response:
    """The account's user profiles (one per site) as a collection of ``key``."""
    query = ctx.query()
    errors = ErrorCollector()
    page = parse_page(query, errors)
    status = service.read_status_filter(query, errors)
    errors.raise_if_any()
    rows, total = await service.page_of_users(
        ctx.session, service.my_users(ctx.principal, status), page.offset, page.limit
    )
    filters = supplied_filters(ctx.raw_query(), ["search[status]"])
    items = (represent(user, site) for user, site in rows)
    return ctx.respond(
        collection(ctx.base, f"/current_account/{key}", key, items, total, page, filters)
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
