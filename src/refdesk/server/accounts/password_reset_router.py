"""``/password-reset`` (refdesk extension): asking for a password-reset e-mail, and the page
behind its link (``/password-reset/new?token=...``) at which the new password is chosen.

The request form is protected by a CSRF cookie (a random nonce, scoped to ``/password-reset``;
the form carries its HMAC) and throttled per submitted login or e-mail with the sign-in rules
(``auth/throttle.py``, counted apart from sign-in). Its answer is the same page, sent at the
same moment, whether or not the name belongs to an account: the look-up, the link and the
e-mail are made after the answer has been sent (a background task in its own transaction). The
link's page needs no CSRF token: the token in the form authorises it, as for invitations.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.responses import HTMLResponse, Response

from refdesk.server.accounts import account_links, password_resets
from refdesk.server.accounts.invitation_mail import duration_words
from refdesk.server.accounts.models import Account
from refdesk.server.api.body import query_dict, read_body
from refdesk.server.api.errors import ApiError
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.origin import base_url, is_https
from refdesk.server.auth import pages
from refdesk.server.auth.router import HTML_HEADERS
from refdesk.server.auth.throttle import reset_throttle
from refdesk.server.db.shared_session import session_for
from refdesk.server.inputs import Body, Field
from refdesk.server.runtime import Runtime
from refdesk.server.web import render

log = logging.getLogger(__name__)
router = APIRouter(tags=["oauth"])

HEADERS = {**HTML_HEADERS, "Cache-Control": "no-store"}
CSRF_COOKIE = "refdesk_reset_csrf"
MAX_NAME = 100
REQUEST_FORM = Body(
    "PasswordResetRequestForm",
    (
        Field("login", max_length=MAX_NAME, description="Login or e-mail address"),
        Field("csrf_token", description="From the form of GET /password-reset"),
    ),
    description="The password-reset request form (HTML form)",
)
NEW_PASSWORD_FORM = Body(
    "PasswordResetForm",
    (
        Field("token", description="The token of the e-mailed link"),
        Field("password", description="8 to 128 characters"),
        Field("password_confirmation", description="The same password again"),
    ),
    description="The set-new-password form of a password-reset link (HTML form)",
)
# The pages of a link that can no longer be used (200, like the accept/decline links' pages:
# the answer is the page; an unknown or altered token is a plain 404).
PROBLEMS = {
    "used": (
        "This link was already used",
        "Each password-reset link works once, and a newer link or a new password replaces it.",
    ),
    "expired": ("This link has expired", "Password-reset links work for a limited time."),
}


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _csrf(runtime: Runtime, nonce: str) -> str:
    return runtime.hasher.hash(f"reset-csrf:{nonce}")


def _request_page(request: Request, runtime: Runtime, *, error: str | None = None) -> Response:
    """The request form; a CSRF cookie is set when the browser has none."""
    existing = request.cookies.get(CSRF_COOKIE)
    nonce = existing or secrets.token_urlsafe(24)
    page = pages.reset_request_page(password_resets.PATH, _csrf(runtime, nonce), error=error)
    response = HTMLResponse(page, 200, dict(HEADERS))
    if not existing:
        response.set_cookie(
            CSRF_COOKIE,
            nonce,
            path=password_resets.PATH,
            secure=is_https(request.scope, runtime.settings),
            httponly=True,
            samesite="lax",
        )
    return response


@router.get(password_resets.PATH, response_class=HTMLResponse)
async def reset_request_form(request: Request) -> Response:
    """The form asking for the login or e-mail address of the account."""
    return _request_page(request, _runtime(request))


async def _mail_reset(runtime: Runtime, base: str, name: str) -> None:
    """After the answer: the link and the e-mail, when ``name`` names an active account."""
    try:
        async with runtime.db.transaction() as session:
            await password_resets.request_reset(session, runtime, base, name)
    except Exception as exc:  # the answer is sent; nobody else would hear of it
        log.error("password reset request not processed: %s", type(exc).__name__)


@router.post(
    password_resets.PATH, response_class=HTMLResponse, openapi_extra=body_doc(REQUEST_FORM)
)
async def reset_request_submit(request: Request) -> Response:
    """Ask for a password-reset e-mail (``login``: login or e-mail; ``csrf_token``). The same
    page answers whether or not an account matches."""
    runtime = _runtime(request)
    data = await read_body(request, None, runtime.settings.max_body_bytes, allow_multipart=False)
    nonce = request.cookies.get(CSRF_COOKIE)
    token = data.get("csrf_token")
    if (
        not nonce
        or not isinstance(token, str)
        or not runtime.hasher.verify(f"reset-csrf:{nonce}", token)
    ):  # no cookie (a cross-site form, or cookies off) or not this browser's token
        raise ApiError(
            "bad_request",
            "The CSRF token is missing or invalid; reload the password-reset page",
            status=400,
        )
    name = data.get("login")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        return _request_page(request, runtime, error="Enter your login or e-mail address.")
    await reset_throttle(runtime).admit(name)
    task = BackgroundTask(_mail_reset, runtime, base_url(request.scope, runtime.settings), name)
    page = pages.reset_requested_page(duration_words(runtime.settings.password_reset_ttl))
    return HTMLResponse(page, 200, dict(HEADERS), background=task)


def _unknown() -> ApiError:
    return ApiError("not_found", "This password-reset link is unknown or was altered", status=404)


def _problem(state: str) -> Response:
    title, message = PROBLEMS[state]
    page = pages.link_problem_page(
        title,
        f"{message} Ask for a new link; it is e-mailed to your account's address.",
        password_resets.PATH,
        "Ask for a new password-reset link",
    )
    return HTMLResponse(page, 200, dict(HEADERS))


async def _open(request: Request, runtime: Runtime, data: dict[str, Any]) -> Any:
    """The open link of the ``token`` field, or the page to answer with (used, expired);
    404 for an unknown or altered token."""
    token = data.get("token")
    if not isinstance(token, str) or not account_links.TOKEN.match(token):
        raise _unknown()
    async with session_for(request.scope, runtime.db) as session:
        found = await password_resets.open_reset(session, runtime, token)
    if found is None:
        raise _unknown()
    if found.state != "open":
        return _problem(found.state)
    return found


def _form(login: str, token: str, error: str | None = None) -> Response:
    page = pages.set_password_page(
        login, password_resets.NEW_PATH, token, error=error, heading="Choose a new password"
    )
    return HTMLResponse(page, 200, dict(HEADERS))


@router.get(password_resets.NEW_PATH, response_class=HTMLResponse)
async def reset_page(request: Request) -> Response:
    """The new-password form of a reset link (or a page saying what to do)."""
    runtime = _runtime(request)
    data = query_dict(request)
    found = await _open(request, runtime, data)
    if isinstance(found, Response):
        return found
    return _form(found.account.login, data["token"])


@router.post(
    password_resets.NEW_PATH, response_class=HTMLResponse, openapi_extra=body_doc(NEW_PASSWORD_FORM)
)
async def reset_submit(request: Request) -> Response:
    """Set the new password (``token``, ``password``, ``password_confirmation``); the link is
    then used, the account's other sessions end, and this browser is signed in (303 to the
    home page with a new session cookie)."""
    runtime = _runtime(request)
    data = await read_body(request, None, runtime.settings.max_body_bytes, allow_multipart=False)
    found = await _open(request, runtime, data)
    if isinstance(found, Response):
        return found
    login, token = found.account.login, str(data["token"])
    error = account_links.new_password_error(data)
    if error:
        return _form(login, token, error)
    # argon2 outside the write transaction (SQLite's write lock is not held meanwhile).
    digest = await to_thread.run_sync(runtime.passwords.hash, str(data["password"]))
    async with runtime.db.transaction() as session:
        done = await password_resets.redeem(session, found.link.id, found.account.id, digest)
        account = await session.get(Account, found.account.id, populate_existing=True)
    if not done or account is None:
        return _problem("used")
    return render.signed_in_redirect(
        request,
        account,
        "Your new password is set and you are signed in here. Every other session has ended.",
    )
