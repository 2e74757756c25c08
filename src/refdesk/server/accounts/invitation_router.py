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

from refdesk.server.accounts import account_links, invitations
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
        "This invitation link is unknown, used or expired; ask for a new one",
        status=404,
    )


def _token(data: dict[str, Any]) -> str:
    token = data.get("token")
    if not isinstance(token, str) or not TOKEN.match(token):
        raise _gone()
    return token


async def _open(request: Request, runtime: Runtime, token: str) -> tuple[int, int, str]:
    """The invitation id, account id and login, or 404."""
    async with session_for(request.scope, runtime.db) as session:
        found = await invitations.open_invitation(session, runtime, token)
    if found is None:
        raise _gone()
    invitation, account = found
    return invitation.id, account.id, account.login


def _html(content: str) -> Response:
    return HTMLResponse(content, 200, dict(HEADERS))


@router.get(invitations.PATH)
async def invitation_page(request: Request) -> Response:
    """The set-password form of a valid invitation link."""
    runtime = _runtime(request)
    token = _token(query_dict(request))
    _, _, login = await _open(request, runtime, token)
    return _html(pages.set_password_page(login, invitations.PATH, token))


@router.post(invitations.PATH)
async def invitation_submit(request: Request) -> Response:
    """Set the password (``token``, ``password``, ``password_confirmation``); the link is then
    used, and the person is signed in (303 to the home page with a session cookie)."""
    runtime = _runtime(request)
    data = await read_body(request, None, runtime.settings.max_body_bytes, allow_multipart=False)
    token = _token(data)
    invitation_id, account_id, login = await _open(request, runtime, token)
    error = account_links.new_password_error(data)
    if error:
        return _html(pages.set_password_page(login, invitations.PATH, token, error=error))
    # argon2 outside the write transaction (SQLite's write lock is not held meanwhile).
    digest = await to_thread.run_sync(runtime.passwords.hash, str(data["password"]))
    async with runtime.db.transaction() as session:
        if not await invitations.redeem(session, invitation_id, account_id, digest):
            raise _gone()
        account = await session.get(Account, account_id, populate_existing=True)
    if account is None:  # pragma: no cover - redeem just updated the row
        raise _gone()
    return render.signed_in_redirect(
        request, account, "Your password is set and you are signed in. Welcome to refdesk."
    )
