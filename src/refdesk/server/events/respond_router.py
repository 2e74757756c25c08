"""``/respond/{token}`` (refdesk extension): the page behind the accept/decline links of the
e-mails (``respond_links.py``).

``GET`` only shows the game and a confirm button (mail scanners and link previews fetch
links; nothing may happen then); ``POST`` answers. The signed token is the only credential:
no session and no CSRF cookie, as a forged form would have to carry the token itself, which
only its recipient has. A malformed or forged token is a plain ``404``; expired and used
links get a page that says so. The token is a path segment of a capability URL, redacted
from logs like the calendar and webview ones.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from refdesk.server.api.body import read_body
from refdesk.server.api.errors import ApiError
from refdesk.server.api.openapi import body_doc
from refdesk.server.assignments.schemas import MAX_REASON
from refdesk.server.auth.router import HTML_HEADERS
from refdesk.server.db.shared_session import session_for
from refdesk.server.errors import Conflict, Forbidden, NotFound, PaymentRequired, ValidationFailed
from refdesk.server.events import respond_links
from refdesk.server.events.render import environment
from refdesk.server.events.respond_links import PATH, LinkView
from refdesk.server.inputs import Body, Field
from refdesk.server.runtime import Runtime

router = APIRouter(tags=["notifications"])
HEADERS = {**HTML_HEADERS, "Cache-Control": "no-store"}
RESPOND_FORM = Body(
    "RespondForm",
    (Field("reason", max_length=MAX_REASON, description="Decline links only"),),
    description="The confirm form of an accept or decline link (no other fields)",
)
TITLES = {
    ("open", "accept"): "Accept this game?",
    ("open", "decline"): "Decline this game?",
    ("done", "accept"): "Game accepted",
    ("done", "decline"): "Game declined",
    ("expired", "accept"): "This link has expired",
    ("expired", "decline"): "This link has expired",
    ("used", "accept"): "This link can no longer be used",
    ("used", "decline"): "This link can no longer be used",
}
MESSAGES = {
    "done": {
        "accept": "Thank you: you are confirmed for this game.",
        "decline": "Your answer was sent to the assignors.",
    },
    "expired": "The game has started. Contact your assignor if something is wrong.",
    "used": (
        "It was already used, or the assignment changed since the e-mail was sent. "
        "Check your games in refdesk, or contact your assignor."
    ),
}


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _unknown() -> ApiError:
    return ApiError("not_found", "This link is unknown or was altered", status=404)


def page(
    view: LinkView,
    token: str,
    *,
    error: str | None = None,
    reason: str | None = None,
    refused: str | None = None,
) -> Response:
    action = view.claims.action
    state = "used" if refused else view.state
    message: Any = MESSAGES.get(state)
    if isinstance(message, dict):
        message = message[action]
    context = {
        "title": TITLES[(state, action)] if not refused else "This link cannot be used",
        "message": refused or message,
        "error": error,
        "game": None,
        "form": action if state == "open" else None,
        "action": f"{PATH}/{token}",
        "reason": reason,
        "max_reason": MAX_REASON,
        "position": view.slot.position if view.slot else None,
        "official": view.official_name,
    }
    if view.game is not None:
        context["game"] = {**view.game.context(), "site_name": view.game.site_name}
    html = environment().get_template("respond_page.html").render(context)
    return HTMLResponse(html, 200, dict(HEADERS))


@router.get(PATH + "/{token}", response_class=HTMLResponse)
async def respond_form(token: str, request: Request) -> Response:
    """The game and a confirm button for an accept or decline link (changes nothing)."""
    runtime = _runtime(request)
    async with session_for(request.scope, runtime.db) as session:
        view = await respond_links.open_link(session, runtime, token)
    if view is None:
        raise _unknown()
    return page(view, token)


def _reason(data: dict[str, Any]) -> str | None:
    value = data.get("reason")
    return value if isinstance(value, str) else None


@router.post(PATH + "/{token}", response_class=HTMLResponse, openapi_extra=body_doc(RESPOND_FORM))
async def respond_submit(token: str, request: Request) -> Response:
    """Answer the slot as the link says (``reason`` for a decline), through the same rules as
    ``POST /api/v2/assignments/{id}/accept|decline``."""
    runtime = _runtime(request)
    data = await read_body(request, None, runtime.settings.max_body_bytes)
    reason = _reason(data)
    try:
        async with runtime.db.transaction() as session:
            view = await respond_links.use_link(session, runtime, token, reason)
    except (Conflict, ValidationFailed, Forbidden, NotFound, PaymentRequired) as exc:
        async with runtime.db.session() as session:
            current = await respond_links.open_link(session, runtime, token)
        if current is None:
            raise _unknown() from None
        if isinstance(exc, ValidationFailed):
            problem = exc.message.removeprefix("Validation failed: ")
            return page(current, token, error=problem[:1].upper() + problem[1:], reason=reason)
        if current.state != "open":
            return page(current, token)
        if isinstance(exc, Conflict):
            return page(current, token, refused=str(MESSAGES["used"]))
        return page(current, token, refused=exc.message)
    if view is None:
        raise _unknown()
    return page(view, token)
