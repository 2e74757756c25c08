"""User endpoints (contract §17.1). Issue 3 adds the site lists, create and activation."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.users import service
from refdesk.server.users.schemas import user_repr

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["users"])


@router.get("/users/{user_id:int}")
async def get_user(user_id: int, ctx: CtxDep) -> Response:
    """One user: assignors and managers read any user of the site, others their own."""
    user, member = await service.read_user(ctx.session, ctx.principal, user_id)
    return ctx.respond(user_repr(user, member.site, ctx.base, show_private=True))


@router.put("/users/{user_id:int}")
@router.patch("/users/{user_id:int}")
async def update_user(user_id: int, ctx: CtxDep) -> Response:
    """Partial update with optimistic locking (``lock_version``)."""
    data = await ctx.body("user")
    user, member = await service.update_user(ctx.session, ctx.principal, user_id, data)
    await ctx.session.commit()
    return ctx.respond(user_repr(user, member.site, ctx.base, show_private=True))
