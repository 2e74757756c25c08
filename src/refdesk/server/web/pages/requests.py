"""``/requests``: the current site's game requests for its assignors and managers (pending
first, then recently decided; ``?show=all`` for every request), with Approve and Decline.

The buttons post to ``/requests/{id}/approve`` and ``/decline`` and call the services behind
``POST /api/v2/game_requests/{id}/approve|decline`` (``game_requests.service.approve`` with
the input the API parses, ``parse_approval``: the first vacant slot that fits the request,
as the API's default; ``decline``). A refusal of the service (the slot was filled
meanwhile, the request is no longer pending, the official holds a slot of the game already,
the person's roles) rolls the transaction back and comes back to the list as the error
message. A request that is not one of the current site's is the 404 page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.errors import DomainError, ValidationFailed, humanise
from refdesk.server.game_requests import service
from refdesk.server.game_requests.schemas import parse_approval
from refdesk.server.sites.access import MAX_ID
from refdesk.server.web import render
from refdesk.server.web import requests as view
from refdesk.server.web.labels import page_number
from refdesk.server.web.page import Page, open_page

router = APIRouter(include_in_schema=False)
HREF = "/requests"
TITLE = "Game requests"
FIELD_NAMES = {"user_id": "the official", "assignment_id": "the slot"}


def _back(page: Page) -> str:
    """Where the forms come back to: this page with its filter and page number only."""
    show = view.read_show(page.field("show"))
    number = page_number(page.field("page"))
    query = [] if show == "pending" else [f"show={show}"]
    if number > 1:
        query.append(f"page={number}")
    return HREF + ("?" + "&".join(query) if query else "")


def _not_found(page: Page) -> Response:
    return page.render(
        "error.html",
        HREF,
        status=404,
        title="Not found",
        message="There is no such game request in this site. Go back to the requests and "
        "try again.",
    )


def _refusal(exc: DomainError, verb: str) -> str:
    """``Not approved: <the service's words>.`` (nothing was changed)."""
    if isinstance(exc, ValidationFailed):
        text = "; ".join(
            f"the game {message}"
            if key == "base" and message.startswith("has ")
            else f"the request {message}"
            if key == "base" and message.startswith("is ")
            else message
            if key == "base"
            else f"{FIELD_NAMES.get(key) or humanise(key)} {message}"
            for key, messages in exc.errors.items()
            for message in messages
        )
    else:
        text = exc.message
    text = text.rstrip(".")
    text = text[:1].lower() + text[1:] if not text[:2].isupper() else text
    return f"Not {verb}: {text}. Nothing was changed."


@router.get(HREF)
async def requests_page(request: Request) -> Response:
    """Pending requests and the recently decided ones (``?show=all``: every request,
    newest first; ``?page=``)."""
    show = view.read_show(request.query_params.get("show"))
    number = page_number(request.query_params.get("page"))
    async with open_page(request) as page:
        problem: str | None = None
        try:
            found = await view.requests_view(
                page.session, page.person.principal, page.member, show, number
            )
        except DomainError as exc:  # a read: nothing to roll back (e.g. 402)
            found, problem = view.RequestsView(staff=True, show=show), exc.message
        return page.render(
            "requests.html", HREF, title=TITLE, view=found, problem=problem, back_show=show
        )


async def _decide(request: Request, request_id: int, approve: bool) -> Response:
    back = HREF
    verb = "approved" if approve else "declined"
    try:
        async with open_page(request, write=True) as page:
            back = _back(page)
            member = page.member
            if (
                member is None
                or not 1 <= request_id <= MAX_ID
                or await view.site_of_request(page.session, request_id) != member.site.id
            ):
                return _not_found(page)
            principal = page.person.principal
            if approve:
                found = await service.approve(
                    page.session, principal, request_id, parse_approval({})
                )
            else:
                found = await service.decline(page.session, principal, request_id)
            said = await view.describe(page.session, found)
    except DomainError as exc:  # the transaction rolled back: nothing changed
        return render.redirect(request, back, error=_refusal(exc, verb))
    notice = f"Approved: {said}. The official is assigned." if approve else f"Declined: {said}."
    return render.redirect(request, back, notice=notice)


@router.post(HREF + "/{request_id:int}/approve")
async def approve(request: Request, request_id: int) -> Response:
    """Approve: the official gets the first vacant slot that fits the request."""
    return await _decide(request, request_id, approve=True)


@router.post(HREF + "/{request_id:int}/decline")
async def decline(request: Request, request_id: int) -> Response:
    """Decline a pending request."""
    return await _decide(request, request_id, approve=False)
