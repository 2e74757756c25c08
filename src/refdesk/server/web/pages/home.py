"""``/``: the sign-in form for a visitor, the home page for a signed-in person; signing in
and out, and the site switcher.

Sign-in uses the OAuth login's password check and per-login throttle
(``auth.authorize.check_login``): the same answer, page and argon2 work for an unknown login,
a wrong password or a deactivated account. Every form carries a CSRF token
(``web/session.py``); a POST without a valid one gets the 403 page and changes nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.auth.authorize import BAD_LOGIN, check_login
from refdesk.server.auth.browser_session import start
from refdesk.server.errors import RateLimited
from refdesk.server.web import home as home_view
from refdesk.server.web import render
from refdesk.server.web import session as web_session
from refdesk.server.web.page import CSRF_REFUSED, SignInRequired, open_page, read_form

router = APIRouter(include_in_schema=False)


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
    try:
        async with open_page(request) as page:
            view = await home_view.home(page.session, page.person.principal, page.member)
            return page.render("home.html", "/", title="Home", home=view)
    except SignInRequired:
        return _sign_in_page(request)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """Check the login (or e-mail) and password; on success start a session and go home."""
    runtime = render.runtime_of(request)
    form = await read_form(request)
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
    try:
        async with open_page(request, write=True):
            pass
    except SignInRequired:
        pass  # no session (or an ended one): the cookie goes all the same
    response = render.see_other("/")
    render.end_session(request, response)
    return response


def local_path(value: str) -> str:
    """``value`` when it is a path of this site (``/games``), else ``/`` (no open redirect)."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value if len(value) <= 200 and value.isprintable() else "/"
    return "/"


@router.post("/site")
async def switch_site(request: Request) -> Response:
    """Make another of the person's sites the current one (kept in the session), and go back
    to the page the switcher was on."""
    async with open_page(request, write=True) as page:
        raw = page.field("site_id")
        next_page = local_path(page.field("next"))
        browser = page.person.browser
        allowed = set(page.members)
    site_id = int(raw) if raw.isdigit() and len(raw) < 12 else None
    response = render.see_other(next_page)
    if site_id is not None and site_id in allowed:
        render.set_session(request, response, browser.with_site(site_id))
    return response
