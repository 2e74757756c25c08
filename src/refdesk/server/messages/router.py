"""Message endpoints (contract §18.8)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection
from refdesk.server.messages import service
from refdesk.server.messages.representation import messages_repr
from refdesk.server.messages.schemas import MESSAGE_BODY, parse_message, parse_message_query

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["messages"])


@router.post("/sites/{site_id:int}/messages", status_code=201, openapi_extra=body_doc(MESSAGE_BODY))
async def send_message(site_id: int, ctx: CtxDep) -> Response:
    """E-mail users of the site (assignors, managers); the mail is sent asynchronously."""
    inp = parse_message(await ctx.body("message"))
    found = await service.send_message(
        ctx.session,
        ctx.principal,
        site_id,
        inp,
        mail_configured=ctx.runtime.settings.mail_configured,
    )
    return ctx.created(messages_repr(found, ctx.base)[0])


@router.get("/sites/{site_id:int}/messages")
async def list_messages(site_id: int, ctx: CtxDep) -> Response:
    """A site's messages, newest first (assignors, managers)."""
    query = parse_message_query(ctx.query())
    found = await service.list_messages(ctx.session, ctx.principal, site_id, query)
    path = f"/sites/{site_id}/messages"
    items = messages_repr(found, ctx.base)
    return ctx.respond(collection(ctx.base, path, "messages", items, found.total, query.page))


@router.get("/messages/{message_id:int}")
async def get_message(message_id: int, ctx: CtxDep) -> Response:
    """One message (assignors, managers of its site)."""
    found = await service.get_message(ctx.session, ctx.principal, message_id)
    return ctx.respond(messages_repr(found, ctx.base)[0])
