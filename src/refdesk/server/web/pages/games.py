"""``/games``: the signed-in official's games (``web/games.py``), and the accept / decline
forms of each slot.

The forms post to ``/games/assignments/{id}/accept`` and ``/decline`` and call the service
behind ``POST /api/v2/assignments/{id}/accept|decline`` (``assignments.service.respond``) with
the input the API parses (``parse_accept`` / ``parse_decline``): the slot's ``lock_version``
travels in a hidden field, so an answer given on a page loaded before the slot changed is
refused (409 in the API) instead of overwriting the change. Every refusal of the service
(someone else's slot, the decline cut-off, a stale page, a lapsed subscription) comes back to
the list as the error message; nothing is changed then (the transaction rolled back).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.assignments import service
from refdesk.server.assignments.schemas import MAX_REASON, parse_accept, parse_decline
from refdesk.server.errors import DomainError
from refdesk.server.web import games as games_view
from refdesk.server.web import render
from refdesk.server.web.page import Page, open_page
from refdesk.server.web.refusals import path_id, refusal_text

router = APIRouter(include_in_schema=False)
HOME = "/games"
STALE = (
    "This assignment changed since you loaded the page (an assignor may have updated it). "
    "Nothing was recorded: check the game below and answer again."
)
NOT_RECORDED = "Your answer was not recorded: "


@router.get("/games")
async def my_games(request: Request) -> Response:
    """Upcoming and past games; ``?before=YYYY-MM-DD`` moves the past window back."""
    raw = request.query_params.get("before")
    async with open_page(request) as page:
        view = await games_view.my_games(page.session, page.person.principal, page.member, raw)
        return page.render(
            "games.html",
            HOME,
            title="My games",
            games=view,
            here=_here(view),
            max_reason=MAX_REASON,
            upcoming_max=games_view.UPCOMING_MAX,
        )


def _here(view: games_view.MyGames) -> str:
    """Where the forms come back to: this page with its window."""
    if view.before is None or view.later is None:
        return HOME
    return f"{HOME}?before={view.before.isoformat()}"


def _back(page: Page) -> str:
    """The page the form came from (``next``): ``/games`` with its query only."""
    value = page.field("next")
    if value == HOME or (value.startswith(HOME + "?before=") and len(value) <= 40):
        suffix = value[len(HOME) :]
        if all(c.isalnum() or c in "?=-" for c in suffix):
            return value
    return HOME


def problem_text(exc: DomainError) -> str:
    """The service's refusal in a sentence for the page."""
    return refusal_text(exc, prefix=NOT_RECORDED, stale=STALE, missing="such assignment")


def _not_found(page: Page) -> Response:
    return page.render(
        "error.html",
        HOME,
        status=404,
        title="Not found",
        message="There is no such assignment. Go back to your games and try again.",
    )


async def _respond(request: Request, raw_id: str, accept: bool) -> Response:
    back = HOME
    try:
        async with open_page(request, write=True) as page:
            back = _back(page)
            slot_id = path_id(raw_id)
            if slot_id is None:
                return _not_found(page)
            fields: dict[str, Any] = {"lock_version": page.field("lock_version")}
            if accept:
                inp = parse_accept(fields)
            else:
                inp = parse_decline({**fields, "reason": page.field("reason")})
            _, game, member = await service.respond(
                page.session, page.person.principal, slot_id, inp
            )
            summary = await games_view.game_summary(page.session, game, member)
    except DomainError as exc:  # the transaction rolled back: nothing changed
        return render.redirect(request, back, error=problem_text(exc))
    verb = "accepted" if accept else "declined"
    return render.redirect(request, back, notice=f"You {verb} {summary}.")


@router.post("/games/assignments/{assignment_id}/accept")
async def accept(request: Request, assignment_id: str) -> Response:
    """Accept one's slot (``lock_version`` from the page)."""
    return await _respond(request, assignment_id, accept=True)


@router.post("/games/assignments/{assignment_id}/decline")
async def decline(request: Request, assignment_id: str) -> Response:
    """Decline one's slot with an optional ``reason`` (``lock_version`` from the page)."""
    return await _respond(request, assignment_id, accept=False)
