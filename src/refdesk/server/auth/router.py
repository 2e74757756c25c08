"""OAuth 2.0 endpoints (contract §6): /oauth/token, /oauth/authorize, /oauth/revoke.

``Accept`` is ignored here; every JSON answer is ``application/json; charset=utf-8``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from refdesk.server.api.body import query_dict, read_body
from refdesk.server.api.errors import ApiError
from refdesk.server.api.media import JSON_CT
from refdesk.server.api.origin import is_https
from refdesk.server.api.responses import ApiResponse
from refdesk.server.auth import authorize as authz
from refdesk.server.auth import browser_session, oauth, pages
from refdesk.server.auth.browser_session import BrowserSession
from refdesk.server.auth.errors import OAuthError
from refdesk.server.auth.schemas import (
    parse_authorize,
    parse_authorize_form,
    parse_revoke_request,
    parse_token_request,
)
from refdesk.server.db.shared_session import session_for
from refdesk.server.runtime import Runtime

router = APIRouter(tags=["oauth"])

NO_CACHE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
HTML_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Pragma": "no-cache",
}
AUTHORIZE_PATH = "/oauth/authorize"


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _read(request: Request, runtime: Runtime, *, multipart: bool) -> dict[str, Any]:
    """The decoded body; undecodable bodies are OAuth ``invalid_request`` (415 stays 415)."""
    try:
        return await read_body(
            request, None, runtime.settings.max_body_bytes, allow_multipart=multipart
        )
    except ApiError as exc:
        if exc.code == "bad_request":
            raise ApiError("invalid_request", exc.message, status=400) from exc
        raise


@router.post("/oauth/token")
async def token(request: Request) -> Response:
    """Issue an access token (client credentials, authorization code, refresh token)."""
    runtime = _runtime(request)
    try:
        data = await _read(request, runtime, multipart=True)
        token_input = parse_token_request(request.headers.get("authorization"), data)
        # Not the db_session dependency: the service runs its own transaction.
        body = await oauth.token(runtime, token_input)
    except (ApiError, OAuthError) as exc:
        exc.headers.setdefault("Pragma", "no-cache")
        raise
    return ApiResponse(body, 200, dict(NO_CACHE), JSON_CT)


@router.post("/oauth/revoke")
async def revoke(request: Request) -> Response:
    """Revoke an access or refresh token (RFC 7009)."""
    runtime = _runtime(request)
    data = await _read(request, runtime, multipart=False)
    await oauth.revoke(runtime, parse_revoke_request(request.headers.get("authorization"), data))
    return ApiResponse({}, 200, dict(NO_CACHE), JSON_CT)


# -- authorization endpoint --------------------------------------------------------------


def _redirect(url: str) -> Response:
    return ApiResponse({}, 302, {"Location": url}, JSON_CT)


def _redirect_error(exc: authz.RedirectedError) -> Response:
    if exc.request.oob:
        raise ApiError(exc.code, exc.message, status=400)
    return _redirect(exc.request.redirect_to({"error": exc.code, "error_description": exc.message}))


def set_session_cookie(response: Response, value: str, *, secure: bool) -> None:
    """The shared browser session cookie (``auth/browser_session.py``): the web app sets it
    on sign-in too."""
    response.set_cookie(
        browser_session.COOKIE,
        value,
        max_age=browser_session.TTL,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )


class _Browser:
    """The request's cookies: CSRF nonce (created when missing) and session."""

    def __init__(self, request: Request, runtime: Runtime) -> None:
        self.request = request
        self.runtime = runtime
        existing = request.cookies.get(authz.CSRF_COOKIE)
        self.had_nonce = bool(existing)
        self.nonce = existing or authz.new_nonce()
        self.new_session: str | None = None

    @property
    def csrf_token(self) -> str:
        return authz.csrf_token(self.runtime.hasher, self.nonce)

    def csrf_valid(self, token: str | None) -> bool:
        return self.had_nonce and authz.csrf_valid(self.runtime.hasher, self.nonce, token)

    def session(self) -> BrowserSession | None:
        """The browser session shared with the web app (checked against the account later)."""
        return browser_session.decode(
            self.runtime.hasher, self.request.cookies.get(browser_session.COOKIE)
        )

    def html(self, content: str, status: int = 200) -> Response:
        response = HTMLResponse(content, status, dict(HTML_HEADERS))
        secure = is_https(self.request.scope, self.runtime.settings)
        if not self.had_nonce:
            response.set_cookie(
                authz.CSRF_COOKIE,
                self.nonce,
                path=authz.COOKIE_PATH,
                secure=secure,
                httponly=True,
                samesite="lax",
            )
        if self.new_session:
            set_session_cookie(response, self.new_session, secure=secure)
        return response


def _login(
    browser: _Browser, request: authz.AuthorizeRequest, error: str | None = None, login: str = ""
) -> Response:
    return browser.html(
        pages.login_page(
            request.application.name,
            request.params,
            browser.csrf_token,
            AUTHORIZE_PATH,
            error=error,
            login=login,
        )
    )


def _consent(browser: _Browser, request: authz.AuthorizeRequest, account_label: str) -> Response:
    return browser.html(
        pages.consent_page(
            request.application.name,
            account_label,
            [s for s in ("read", "write", "bank") if s in request.scopes],
            request.params,
            browser.csrf_token,
            AUTHORIZE_PATH,
        )
    )


def _answer(browser: _Browser, step: authz.Step) -> Response:
    request = step.request
    if step.code is not None:
        if request.oob:
            return browser.html(pages.code_page(request.application.name, step.code, request.state))
        return _redirect(request.redirect_to({"code": step.code}))
    if step.denied:
        return _redirect(
            request.redirect_to({"error": "access_denied", "error_description": authz.DENIED})
        )
    if step.account is None:
        return _login(browser, request, step.login_error, step.login)
    if step.signed_in:
        hasher = browser.runtime.hasher
        browser.new_session = browser_session.encode(
            hasher, browser_session.start(hasher, step.account)
        )
    return _consent(browser, request, step.account.login)


@router.get("/oauth/authorize")
async def authorize_page(request: Request) -> Response:
    """Validate the authorization request, then show the login or the consent page."""
    runtime = _runtime(request)
    browser = _Browser(request, runtime)
    data = parse_authorize(query_dict(request))
    try:
        async with session_for(request.scope, runtime.db) as session:
            step = await authz.start(session, runtime.hasher, data, browser.session())
    except authz.RedirectedError as exc:
        return _redirect_error(exc)
    return _answer(browser, step)


@router.post("/oauth/authorize")
async def authorize_submit(request: Request) -> Response:
    """The login form (``login`` + ``password``) and the consent form (``decision``)."""
    runtime = _runtime(request)
    browser = _Browser(request, runtime)
    body = await _read(request, runtime, multipart=False)
    form = parse_authorize_form({**query_dict(request), **body})
    csrf_ok = browser.csrf_valid(form.csrf_token)
    try:
        if form.is_login:
            step = await authz.sign_in(runtime, form, csrf_ok)
        else:
            async with runtime.db.transaction() as session:
                step = await authz.decide(session, runtime, form, csrf_ok, browser.session())
    except authz.RedirectedError as exc:
        return _redirect_error(exc)
    return _answer(browser, step)
