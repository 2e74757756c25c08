"""HTML answers of the web app: the Jinja2 environment, the security headers, the cookies.

The headers extend the OAuth pages' (``auth.router.HTML_HEADERS``: no framing, no referrer)
with a stricter Content-Security-Policy for pages that load their own CSS and JS from
``/static`` (no inline script or style anywhere), and ``Cache-Control: no-store`` on every
page: signed-in pages hold personal data, the sign-in page a CSRF token.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from refdesk.server.accounts.models import Account
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


# Everyone's pages (issue 12).
NAV = (
    NavItem("Home", "/", True),
    NavItem("My games", "/games", True),
    NavItem("Availability", "/availability", True),
    NavItem("Open games", "/open-games", True),
    NavItem("Earnings", "/earnings", True),
    NavItem("Account", "/account", True),
)
# The assignors' and managers' pages (issue 13), shown as a second navigation to a person who
# is an assignor or manager in the current site (or an operator); ``ready`` flips as each
# page lands.
STAFF_NAV = (
    NavItem("Board", "/board", True),
    NavItem("Officials", "/officials", True),
    NavItem("Requests", "/requests", True),
    NavItem("Messages", "/messages", True),
    NavItem("Reports & statements", "/reports", True),
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
    values = {
        "signed": None,
        "site": None,
        "nav": NAV,
        "staff_nav": (),
        "current": "",
        "flash_notice": None,
        "flash_error": None,
        "sites": [],
        **context,
    }
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status, {**HEADERS, **(headers or {})})


def forbidden(message: str) -> HTMLResponse:
    """The 403 page of a form sent without a valid CSRF token."""
    return render("error.html", {"title": "Request refused", "message": message}, status=403)


def see_other(location: str) -> Response:
    """303 after a form (the browser then GETs ``location``)."""
    return RedirectResponse(location, 303, headers=dict(HEADERS))


# The one-shot message of Post/Redirect/Get: a signed cookie read (and deleted) by the next
# page rendered through ``web/page.py``. Signed so that nobody can make a page say something.
FLASH_COOKIE = "refdesk_flash"
FLASH_MAX_AGE = 120
FLASH_MAX_TEXT = 1000


@dataclass(frozen=True)
class Flash:
    notice: str | None
    error: str | None


def _flash_signature(request: Request, payload: str) -> str:
    return runtime_of(request).hasher.hash(f"web-flash:{payload}")


def redirect(
    request: Request, location: str, *, notice: str | None = None, error: str | None = None
) -> Response:
    """303 to ``location`` with a message shown once there (a notice or an error)."""
    response = see_other(location)
    if notice is None and error is None:
        return response
    data = {"n": (notice or "")[:FLASH_MAX_TEXT], "e": (error or "")[:FLASH_MAX_TEXT]}
    payload = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    response.set_cookie(
        FLASH_COOKIE,
        f"{payload}.{_flash_signature(request, payload)}",
        max_age=FLASH_MAX_AGE,
        path="/",
        secure=secure(request),
        httponly=True,
        samesite="lax",
    )
    return response


def read_flash(request: Request) -> Flash | None:
    """The message the previous redirect left, when its cookie is intact."""
    value = request.cookies.get(FLASH_COOKIE)
    if not value or value.count(".") != 1:
        return None
    payload, signature = value.split(".")
    if not runtime_of(request).hasher.verify(f"web-flash:{payload}", signature):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(data, dict):
        return None
    notice, error = data.get("n"), data.get("e")
    return Flash(
        notice if isinstance(notice, str) and notice else None,
        error if isinstance(error, str) and error else None,
    )


def clear_flash(request: Request, response: Response) -> None:
    response.delete_cookie(
        FLASH_COOKIE, path="/", secure=secure(request), httponly=True, samesite="lax"
    )


def set_session(request: Request, response: Response, browser: BrowserSession) -> None:
    value = browser_session.encode(runtime_of(request).hasher, browser)
    set_session_cookie(response, value, secure=secure(request))


def signed_in_redirect(request: Request, account: Account, notice: str) -> Response:
    """303 to the home page with a new session for ``account`` (after an e-mailed link set
    its password: the link signs the person in) and ``notice`` shown there."""
    response = redirect(request, "/", notice=notice)
    set_session(request, response, browser_session.start(runtime_of(request).hasher, account))
    return response


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
