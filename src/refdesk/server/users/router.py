"""User endpoints (contract §17.1, §17.5)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.accounts.invitation_mail import Invites
from refdesk.server.api.deps import API_DEPENDENCIES, Ctx, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.reference.representation import GROUPS
from refdesk.server.users import groups, service
from refdesk.server.users.representation import user_repr
from refdesk.server.users.schemas import (
    USER_ACTIVE_BODY,
    USER_CREATE_BODY,
    USER_FILTER_KEYS,
    USER_UPDATE_BODY,
    parse_lock_version,
    parse_paged_query,
    parse_user_create,
    parse_user_query,
    parse_user_update,
)

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["users"])


@router.get("/sites/{site_id:int}/users")
async def list_site_users(site_id: int, ctx: CtxDep) -> Response:
    """A site's users (assignors, managers), ordered by last name, first name, id."""
    site, rows, total, page = await service.list_site_users(
        ctx.session, ctx.principal, site_id, parse_user_query(ctx.query())
    )
    items = (user_repr(u, s, ctx.base, show_private=True) for u, s in rows)
    filters = supplied_filters(ctx.raw_query(), USER_FILTER_KEYS[:-1])
    return ctx.respond(
        collection(ctx.base, f"/sites/{site.id}/users", "users", items, total, page, filters)
    )


@router.get("/users")
async def list_users(ctx: CtxDep) -> Response:
    """Users of every site the caller administers, plus the caller's own users."""
    rows, total, page = await service.list_all_users(
        ctx.session, ctx.principal, parse_user_query(ctx.query(), allow_site=True)
    )
    items = (user_repr(u, s, ctx.base, show_private=True) for u, s in rows)
    filters = supplied_filters(ctx.raw_query(), USER_FILTER_KEYS)
    return ctx.respond(collection(ctx.base, "/users", "users", items, total, page, filters))


@router.post(
    "/sites/{site_id:int}/users", status_code=201, openapi_extra=body_doc(USER_CREATE_BODY)
)
async def create_user(site_id: int, ctx: CtxDep) -> Response:
    """Create a user in a site, linked by primary e-mail to an existing or new account."""
    inp = parse_user_create(await ctx.body("user"))
    user, site = await service.create_user(
        ctx.session, ctx.runtime.passwords, ctx.principal, site_id, inp, invites(ctx)
    )
    return ctx.created(user_repr(user, site, ctx.base, show_private=True))


@router.get("/users/{user_id:int}")
async def get_user(user_id: int, ctx: CtxDep) -> Response:
    """One user: assignors and managers read any user of the site, others their own."""
    user, member = await service.read_user(ctx.session, ctx.principal, user_id)
    return ctx.respond(user_repr(user, member.site, ctx.base, show_private=True))


@router.put("/users/{user_id:int}", openapi_extra=body_doc(USER_UPDATE_BODY))
@router.patch("/users/{user_id:int}", openapi_extra=body_doc(USER_UPDATE_BODY))
async def update_user(user_id: int, ctx: CtxDep) -> Response:
    """Partial update with optimistic locking (``lock_version``)."""
    inp = parse_user_update(await ctx.body("user"))
    user, member = await service.update_user(ctx.session, ctx.principal, user_id, inp, invites(ctx))
    return ctx.respond(user_repr(user, member.site, ctx.base, show_private=True))


def invites(ctx: Ctx) -> Invites:
    """``send_authorization_email``'s links start at the public base URL."""
    return Invites(ctx.runtime, ctx.base)


@router.post("/users/{user_id:int}/activate", openapi_extra=body_doc(USER_ACTIVE_BODY))
async def activate_user(user_id: int, ctx: CtxDep) -> Response:
    """Activate a user (assignors)."""
    inp = parse_lock_version(await ctx.body("user"))
    user, member = await service.set_active(ctx.session, ctx.principal, user_id, True, inp)
    return ctx.respond(user_repr(user, member.site, ctx.base, show_private=True))


@router.post("/users/{user_id:int}/deactivate", openapi_extra=body_doc(USER_ACTIVE_BODY))
async def deactivate_user(user_id: int, ctx: CtxDep) -> Response:
    """Deactivate a user (assignors); its slots are kept."""
    inp = parse_lock_version(await ctx.body("user"))
    user, member = await service.set_active(ctx.session, ctx.principal, user_id, False, inp)
    return ctx.respond(user_repr(user, member.site, ctx.base, show_private=True))


@router.get("/groups/{group_id:int}/users")
async def list_group_users(group_id: int, ctx: CtxDep) -> Response:
    """Members of a group (assignors, managers)."""
    group, rows, total, page = await groups.group_users(
        ctx.session, ctx.principal, group_id, parse_paged_query(ctx.query())
    )
    items = (user_repr(u, s, ctx.base, show_private=True) for u, s in rows)
    return ctx.respond(
        collection(ctx.base, f"/groups/{group.id}/users", "users", items, total, page)
    )


@router.get("/users/{user_id:int}/groups")
async def list_user_groups(user_id: int, ctx: CtxDep) -> Response:
    """Groups of a user, ordered by name."""
    user, member, found, counts, total, page = await groups.user_groups(
        ctx.session, ctx.principal, user_id, parse_paged_query(ctx.query())
    )
    items = (GROUPS.represent(g, member.site, ctx.base, counts.get(g.id)) for g in found)
    return ctx.respond(
        collection(ctx.base, f"/users/{user.id}/groups", "groups", items, total, page)
    )


@router.post("/users/{user_id:int}/groups/{group_id:int}")
async def add_group_member(user_id: int, group_id: int, ctx: CtxDep) -> Response:
    """Add the user to the group (already a member: no change)."""
    group, member, extras = await groups.add_member(ctx.session, ctx.principal, user_id, group_id)
    return ctx.respond(GROUPS.represent(group, member.site, ctx.base, extras))


@router.delete("/users/{user_id:int}/groups/{group_id:int}", status_code=204)
async def remove_group_member(user_id: int, group_id: int, ctx: CtxDep) -> Response:
    """Remove the user from the group (not a member: no change)."""
    await groups.remove_member(ctx.session, ctx.principal, user_id, group_id)
    return Response(status_code=204)
