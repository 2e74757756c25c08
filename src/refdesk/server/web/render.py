"""HTML answers of the web app: the Jinja2 environment, the security headers, the cookies.

The headers extend the OAuth pages' (``auth.router.HTML_HEADERS``: no framing, no referrer)
with a stricter Content-Security-Policy for pages that load their own CSS and JS from
``/static`` (no inline script or style anywhere), and ``Cache-Control: no-store`` on every
page: signed-in pages hold personal data, the sign-in page a CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from refdesk.server.api.origin import is_https
from refdesk.server.auth import browser_session
from refdesk.server.auth.browser_session import BrowserSession
from refdesk.server.auth.router import HTML_HEADERS, set_session_cookie
from refdesk.server.runtime import Runtime
from refdesk.server.web import session as web_session

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    **HTML_HEADERS,
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    ready: bool  # False: the page is still to come (shown, not linked)


# The pages of issue 12; later work flips ``ready`` as each page lands.
NAV = (
    NavItem("Home", "/", True),
    NavItem("My games", "/games", False),
    NavItem("Availability", "/availability", False),
    NavItem("Open games", "/open-games", False),
    NavItem("Earnings", "/earnings", False),
    NavItem("Account", "/account", False),
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("refdesk.server.web", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def secure(request: Request) -> bool:
    return is_https(request.scope, runtime_of(request).settings)


def render(
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    values = {"signed": None, "site": None, "nav": NAV, "current": "", **context}
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status, {**HEADERS, **(headers or {})})


def forbidden(message: str) -> HTMLResponse:
    """The 403 page of a form sent without a valid CSRF token."""
    return render("error.html", {"title": "Request refused", "message": message}, status=403)


def see_other(location: str) -> Response:
    """303 after a form (the browser then GETs ``location``)."""
    return RedirectResponse(location, 303, headers=dict(HEADERS))


def set_session(request: Request, response: Response, browser: BrowserSession) -> None:
    value = browser_session.encode(runtime_of(request).hasher, browser)
    set_session_cookie(response, value, secure=secure(request))


def end_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        browser_session.COOKIE, path="/", secure=secure(request), httponly=True, samesite="lax"
    )


def set_visitor_nonce(request: Request, response: Response, nonce: str) -> None:
    response.set_cookie(
        web_session.VISITOR_CSRF_COOKIE,
        nonce,
        path="/",
        secure=secure(request),
        httponly=True,
        samesite="lax",
    )
