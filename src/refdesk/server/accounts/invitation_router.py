"""``/invitations?token=...`` (refdesk extension): the HTML page at which an invited person sets
the password of their account. The token itself authorises the form (no session, no CSRF
cookie: a forged submission could only set the password of the forger's own invitation). It
travels in the ``token`` query parameter of the link (query-string secrets are redacted from
logs) and in the body of the form, never in a path."""

from __future__ import annotations

import re
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from refdesk.server.accounts import account_links, invitations, password_resets
from refdesk.server.accounts.models import Account
from refdesk.server.api.body import query_dict, read_body
from refdesk.server.api.errors import ApiError
from refdesk.server.auth import pages
from refdesk.server.auth.router import HTML_HEADERS
from refdesk.server.db.shared_session import session_for
from refdesk.server.runtime import Runtime
from refdesk.server.web import render

router = APIRouter(tags=["oauth"])

TOKEN = re.compile(r"^[0-9a-f]{64}$")
HEADERS = {**HTML_HEADERS, "Cache-Control": "no-store"}


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _gone() -> ApiError:
    return ApiError(
        "not_found",
        "This invitation link is unknown or was altered; use the link of your newest "
        "invitation e-mail, or ask your assignor for a new one",
        status=404,
    )


# What to do with a link that can no longer be used (200, like the password-reset links).
PROBLEMS = {
    "used": (
        "This invitation was already used",
        "Each invitation link works once, and a newer invitation replaces it. If you set your "
        "password, sign in with it; if you do not know it, ask for a link to choose one.",
    ),
    "expired": (
        "This invitation has expired",
        "Invitation links work for a limited time. Ask your assignor to send a new one, or "
        "ask here for a link that lets you choose your password.",
    ),
}


class LinkProblem(Exception):
    """The link is known but used or expired: answered with the page that says what to do."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


def _problem(state: str) -> Response:
    title, message = PROBLEMS[state]
    return _html(
        pages.link_problem_page(
            title, message, password_resets.PATH, "Get a link to choose your password"
        )
    )


def _token(data: dict[str, Any]) -> str:
    token = data.get("token")
    if not isinstance(token, str) or not TOKEN.match(token):
        raise _gone()
    return token


async def _open(request: Request, runtime: Runtime, token: str) -> tuple[int, int, str]:
    """The invitation id, account id and login; 404 for an unknown token, LinkProblem for a
    used or expired one."""
    async with session_for(request.scope, runtime.db) as session:
        found = await invitations.find_invitation(session, runtime, token)
    if found is None:
        raise _gone()
    if found.state != "open":
        raise LinkProblem(found.state)
    return found.link.id, found.account.id, found.account.login


def _html(content: str) -> Response:
    return HTMLResponse(content, 200, dict(HEADERS))


@router.get(invitations.PATH)
async def invitation_page(request: Request) -> Response:
    """The set-password form of a valid invitation link."""
    runtime = _runtime(request)
    token = _token(query_dict(request))
    try:
        _, _, login = await _open(request, runtime, token)
    except LinkProblem as problem:
        return _problem(problem.state)
    return _html(pages.set_password_page(login, invitations.PATH, token))


@router.post(invitations.PATH)
async def invitation_submit(request: Request) -> Response:
    """Set the password (``token``, ``password``, ``password_confirmation``); the link is then
    used, and the person is signed in (303 to the home page with a session cookie)."""
    runtime = _runtime(request)
    data = await read_body(request, None, runtime.settings.max_body_bytes, allow_multipart=False)
    token = _token(data)
    try:
        invitation_id, account_id, login = await _open(request, runtime, token)
    except LinkProblem as problem:
        return _problem(problem.state)
    error = account_links.new_password_error(data)
    if error:
        return _html(pages.set_password_page(login, invitations.PATH, token, error=error))
    # argon2 outside the write transaction (SQLite's write lock is not held meanwhile).
    digest = await to_thread.run_sync(runtime.passwords.hash, str(data["password"]))
    async with runtime.db.transaction() as session:
        redeemed = await invitations.redeem(session, invitation_id, account_id, digest)
        account = await session.get(Account, account_id, populate_existing=True)
    if not redeemed or account is None:  # used meanwhile (a second tab)
        return _problem("used")
    return render.signed_in_redirect(
        request, account, "Your password is set and you are signed in. Welcome to refdesk."
    )
