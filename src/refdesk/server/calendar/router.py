"""The calendar feed (contract §19.3, refdesk extension): ``/api/v2/current_account/calendar``
(the feed's URL, made on first request), its ``rotate`` action, and the feed itself at
``/calendar/{feed_token}.ics`` (no other authentication; counted by client IP, §8.3)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep, RuntimeDep
from refdesk.server.api.errors import ApiError
from refdesk.server.api.origin import base_url
from refdesk.server.calendar import service
from refdesk.server.calendar.representation import calendar_repr, feed_ics
from refdesk.server.db.shared_session import session_for

router = APIRouter(
    prefix="/api/v2/current_account/calendar", dependencies=API_DEPENDENCIES, tags=["account"]
)
feed = APIRouter(tags=["account"])

ICS_TYPE = "text/calendar; charset=utf-8"
FEED_CACHE = "private, max-age=300"


@router.get("")
async def get_calendar(ctx: CtxDep) -> Response:
    """The account's secret calendar feed URL (made on the first request)."""
    found = await service.ensure_feed(
        ctx.session, ctx.runtime.db, ctx.principal, ctx.runtime.hasher
    )
    return ctx.respond(calendar_repr(found, ctx.base, ctx.runtime.settings.default_time_zone))


@router.post("/rotate")
async def rotate_calendar(ctx: CtxDep) -> Response:
    """A new feed URL; the old one answers 404 from now on."""
    found = await service.rotate_feed(ctx.session, ctx.principal, ctx.runtime.hasher)
    return ctx.respond(calendar_repr(found, ctx.base, ctx.runtime.settings.default_time_zone))


@feed.get("/calendar/{feed_token}.ics")
async def calendar_feed(feed_token: str, request: Request, runtime: RuntimeDep) -> Response:
    """The account's slots as iCalendar (RFC 5545); the token in the URL is the only key."""
    async with session_for(request.scope, runtime.db) as session:
        content = await service.read_feed(session, runtime.hasher, feed_token)
    if content is None:
        raise ApiError("not_found", "No such calendar feed")
    body = feed_ics(content, base_url(request.scope, runtime.settings))
    return Response(
        body.encode("utf-8"),
        200,
        headers={"Content-Type": ICS_TYPE, "Cache-Control": FEED_CACHE},
    )
