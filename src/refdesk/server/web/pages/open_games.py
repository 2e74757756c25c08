"""``/open-games``: the games an official may request (or self-assign) in the current site,
their requests, and withdrawing one.

Requesting calls ``game_requests.service.create_request`` with the typed input the API parses
(``parse_request``; only ``game_id``, ``position_id`` and ``comment`` are taken from the form,
so the page always asks for the signed-in official); withdrawing calls ``withdraw``. A refusal
of the service (no open slot, already requested, requests switched off, another person's
request) rolls the transaction back and comes back to the page as the error message.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import APIRouter
from starlette.responses import Response

from refdesk.server.errors import DomainError, ValidationFailed
from refdesk.server.game_requests import service
from refdesk.server.game_requests.schemas import parse_request
from refdesk.server.web import open_games as view
from refdesk.server.web import render
from refdesk.server.web.labels import page_number
from refdesk.server.web.page import open_page

router = APIRouter(include_in_schema=False)

PATH = "/open-games"
FORM_FIELDS = ("game_id", "position_id", "comment")
ALREADY_REQUESTED = "you already have a pending request for this position of the game"


def refusal(exc: DomainError, prefix: str) -> str:
    """The service's message as a sentence: ``Not requested: <the service's words>.``"""
    if isinstance(exc, ValidationFailed):
        parts: list[str] = []
        for key, messages in exc.errors.items():
            for message in messages:
                if key == "base" and message == service.REQUESTED["base"][0]:
                    parts.append(ALREADY_REQUESTED)
                elif key == "base":
                    parts.append(message)
                else:
                    parts.append(f"{key.replace('_', ' ')} {message}")
        text = "; ".join(parts)
    else:
        text = exc.message
    text = text.rstrip(".")
    return f"{prefix}: {text[:1].lower() + text[1:]}." if text else f"{prefix}."


@router.get(PATH)
async def open_games(request: Request) -> Response:
    """The open games by day in the site's zone, and the official's requests."""
    number = page_number(request.query_params.get("page"))
    async with open_page(request) as page:
        try:
            found = await view.open_games(page.session, page.person.principal, page.member, number)
        except DomainError as exc:  # e.g. the site's subscription lapsed meanwhile
            empty = view.OpenGamesView(official=False)
            return page.render(
                "open_games.html", PATH, title="Open games", view=empty, problem=exc.message
            )
        return page.render("open_games.html", PATH, title="Open games", view=found, problem=None)


@router.post(f"{PATH}/requests")
async def request_game(request: Request) -> Response:
    """Ask for (or, where the site allows it, take) a vacant slot of a game."""
    try:
        async with open_page(request, write=True) as page:
            data = {name: page.field(name) for name in FORM_FIELDS if name in page.form}
            made = await service.create_request(
                page.session, page.person.principal, parse_request(data)
            )
            said = await view.describe(page.session, made)
            self_assign = made.member.site.allow_self_assign
    except DomainError as exc:
        return render.redirect(request, PATH, error=refusal(exc, "Not requested"))
    if said.status == "approved":
        notice = f"You are assigned: {said.text}. The game is on your home page."
    elif self_assign:
        notice = (
            f"Requested: {said.text}. You could not be assigned at once (a conflict such as "
            "availability, another game or a game limit), so an assignor will decide."
        )
    else:
        notice = f"Requested: {said.text}. An assignor will decide."
    return page.redirect(PATH, notice=notice)


@router.post(PATH + "/requests/{request_id:int}/withdraw")
async def withdraw(request: Request, request_id: int) -> Response:
    """Withdraw one of the official's pending requests."""
    try:
        async with open_page(request, write=True) as page:
            await service.withdraw(page.session, page.person.principal, request_id)
            found = await service.get_request(page.session, page.person.principal, request_id)
            said = await view.describe(page.session, found)
    except DomainError as exc:
        return render.redirect(request, PATH, error=refusal(exc, "Not withdrawn"))
    return page.redirect(PATH, notice=f"Request withdrawn: {said.text}.")
