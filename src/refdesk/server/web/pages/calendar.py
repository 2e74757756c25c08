"""``/account/calendar``: the person's calendar feed — its secret URL to subscribe to (with a
Copy button when JavaScript runs; without it the URL is in a read-only field to select), the
``webcal`` link, and rotation (a POST; the old URL stops working at once). The same service
functions as ``/api/v2/current_account/calendar`` and its ``rotate``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.api.origin import base_url
from refdesk.server.calendar import service
from refdesk.server.errors import DomainError
from refdesk.server.web import calendar as calendar_view
from refdesk.server.web import render
from refdesk.server.web.page import open_page

router = APIRouter(include_in_schema=False)

PATH = "/account/calendar"
NAV = "/account"  # the Account area of the navigation
ROTATED = (
    "You have a new calendar feed URL. The old one no longer works: subscribe to the new one "
    "in your calendar app."
)


@router.get(PATH)
async def calendar_page(request: Request) -> Response:
    """The feed's URL (made on the first visit) and the rotate form."""
    async with open_page(request) as page:
        tz = page.site.timezone if page.site else page.runtime.settings.default_time_zone
        feed = await calendar_view.calendar_feed(
            page.session,
            page.runtime.db,
            page.person.principal,
            page.runtime.hasher,
            base=base_url(request.scope, page.runtime.settings),
            tz=tz,
        )
        return page.render(
            "account_calendar.html", NAV, title="Calendar feed", feed=feed, feed_zone=tz
        )


@router.post(PATH + "/rotate")
async def rotate(request: Request) -> Response:
    """A new feed URL; the old one answers 404 from now on."""
    try:
        async with open_page(request, write=True) as page:
            await service.rotate_feed(page.session, page.person.principal, page.runtime.hasher)
            answer = page.redirect(PATH, notice=ROTATED)
    except DomainError as exc:  # the transaction has rolled back
        return render.redirect(request, PATH, error=exc.message)
    return answer
