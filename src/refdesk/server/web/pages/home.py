"""``/``: the sign-in form for a visitor, the home page for a signed-in person; signing in
and out, and the site switcher.

Sign-in uses the OAuth login's password check and per-login throttle
(``auth.authorize.check_login``): the same answer, page and argon2 work for an unknown login,
a wrong password or a deactivated account. Every form carries a CSRF token
(``web/session.py``); a POST without a valid one gets the 403 page and changes nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.api.body import read_body
from refdesk.server.auth.authorize import BAD_LOGIN, check_login
from refdesk.server.auth.browser_session import start
from refdesk.server.db.shared_session import session_for
from refdesk.server.errors import RateLimited
from refdesk.server.web import home as home_view
from refdesk.server.web import render
from refdesk.server.web import session as web_session
from refdesk.server.web.session import SignedIn

router = APIRouter(include_in_schema=False)
CSRF_REFUSED = (
    "This form was sent without a valid security token (it may have expired, or come from "
    "another site). Nothing was changed. Go back, reload the page and try again."
)


async def _form(request: Request) -> dict[str, Any]:
    runtime = render.runtime_of(request)
    return await read_body(request, None, runtime.settings.max_body_bytes)


async def _signed_in(request: Request) -> SignedIn | None:
    runtime = render.runtime_of(request)
    async with session_for(request.scope, runtime.db) as session:
        return await web_session.signed_in(
            session, runtime.hasher, request.cookies.get(web_session.COOKIE)
        )


def _sign_in_page(
    request: Request,
    *,
    error: str | None = None,
    login: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    runtime = render.runtime_of(request)
    existing = request.cookies.get(web_session.VISITOR_CSRF_COOKIE)
    nonce = existing or web_session.new_visitor_nonce()
    context = {
        "title": "Sign in",
        "error": error,
        "login": login,
        "csrf_token": web_session.visitor_csrf(runtime.hasher, nonce),
    }
    response = render.render("sign_in.html", context, status=status, headers=headers)
    if not existing:
        render.set_visitor_nonce(request, response, nonce)
    return response


@router.get("/")
async def index(request: Request) -> Response:
    """The home page, or the sign-in form for a visitor."""
    runtime = render.runtime_of(request)
    async with session_for(request.scope, runtime.db) as session:
        person = await web_session.signed_in(
            session, runtime.hasher, request.cookies.get(web_session.COOKIE)
        )
        if person is None:
            view = None
        else:
            view = await home_view.home(session, person.principal, person.browser.site_id)
    if person is None or view is None:
        return _sign_in_page(request)
    context = {
        "title": "Home",
        "current": "/",
        "signed": person,
        "account_name": person.account.name or person.account.login,
        "csrf_token": web_session.session_csrf(runtime.hasher, person.browser),
        "sites": view.sites,
        "site": view.site,
        "home": view,
    }
    return render.render("home.html", context)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """Check the login (or e-mail) and password; on success start a session and go home."""
    runtime = render.runtime_of(request)
    form = await _form(request)
    nonce = request.cookies.get(web_session.VISITOR_CSRF_COOKIE)
    if not web_session.visitor_csrf_valid(runtime.hasher, nonce, form.get("csrf_token")):
        return render.forbidden(CSRF_REFUSED)
    login = form.get("login")
    password = form.get("password")
    login_text = login if isinstance(login, str) else ""
    try:
        account = await check_login(
            runtime, login_text, password if isinstance(password, str) else None
        )
    except RateLimited as exc:
        return _sign_in_page(
            request,
            error=exc.message,
            login=login_text,
            status=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if account is None:
        return _sign_in_page(request, error=BAD_LOGIN, login=login_text)
    response = render.see_other("/")
    render.set_session(request, response, start(runtime.hasher, account))
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    """End the session in this browser (the cookie is deleted) and show the sign-in form."""
    runtime = render.runtime_of(request)
    form = await _form(request)
    person = await _signed_in(request)
    if person is not None and not web_session.session_csrf_valid(
        runtime.hasher, person.browser, form.get("csrf_token")
    ):
        return render.forbidden(CSRF_REFUSED)
    response = render.see_other("/")
    render.end_session(request, response)
    return response


@router.post("/site")
async def switch_site(request: Request) -> Response:
    """Make another of the person's sites the current one (kept in the session)."""
    runtime = render.runtime_of(request)
    form = await _form(request)
    async with runtime.db.session() as session:
        person = await web_session.signed_in(
            session, runtime.hasher, request.cookies.get(web_session.COOKIE)
        )
        if person is None:
            return render.see_other("/")
        if not web_session.session_csrf_valid(
            runtime.hasher, person.browser, form.get("csrf_token")
        ):
            return render.forbidden(CSRF_REFUSED)
        choices = await home_view.site_choices(session, person.principal)
    raw = form.get("site_id")
    site_id = int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 12 else None
    response = render.see_other("/")
    if site_id is not None and site_id in choices:
        render.set_session(request, response, person.browser.with_site(site_id))
    return response
