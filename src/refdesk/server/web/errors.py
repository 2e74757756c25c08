"""Error pages for people: what a browser gets instead of a JSON error body.

The contract's JSON error bodies stay the answer for every machine path (``/api``, OAuth's
endpoints, the calendar feed, health, problems, …) and for any request that does not ask
for HTML. A browser (``Accept`` naming ``text/html``) on one of the web app's paths gets a
page in the layout instead: an unknown address (404), a method the address does not take
(405), a refusal a page let escape (the service's message), an unexpected failure (500,
with the incident id that the log carries), or the database being unreachable (503).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Scope

from refdesk.server.web import render

# Paths whose errors are always the contract's JSON body, whatever the Accept header says.
MACHINE_PREFIXES = (
    "/api",
    "/oauth",
    "/problems",
    "/calendar",
    "/health",
    "/healthz",
    "/docs",
    "/openapi",
    "/static",
    "/webview",
)


def wants_page(request: Request) -> bool:
    """True for a browser on one of the web app's paths."""
    return wants_page_at(request.url.path, request.headers.get("accept", ""))


def wants_page_at(path: str, accept: str) -> bool:
    if any(
        path == p or path.startswith(p + "/") or path.startswith(p + ".") for p in MACHINE_PREFIXES
    ):
        return False
    return "text/html" in accept


def page(
    status: int, title: str, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    return render.render(
        "error.html", {"title": title, "message": message}, status=status, headers=headers
    )


def not_found() -> HTMLResponse:
    return page(
        404,
        "Page not found",
        "There is no page at this address. Check the link, or start again from the home page.",
    )


def method_not_allowed(headers: dict[str, str]) -> HTMLResponse:
    return page(
        405,
        "Not allowed here",
        "This address does not take that kind of request. Go back and use the page's own buttons.",
        headers,
    )


def refused(status: int, message: str) -> HTMLResponse:
    return page(status, "Request refused", message)


def failed(incident: str) -> HTMLResponse:
    return page(
        500,
        "Something went wrong",
        "The server could not complete this request. Nothing you did caused it. If it happens "
        f"again, quote incident {incident} to the people who run this site.",
    )


def unavailable(retry_after: int) -> HTMLResponse:
    return page(
        503,
        "Temporarily unavailable",
        "The database cannot be reached right now. Try again in a minute.",
        {"Retry-After": str(retry_after)},
    )


def gate_page(scope: Scope, status: int, headers: dict[str, str]) -> Response | None:
    """The page for the router's gate (``api/routing.MethodGate``): unknown address (404) or
    a method the address does not take (405); None for a machine."""
    request = Request(scope)
    if not wants_page(request):
        return None
    return not_found() if status == 404 else method_not_allowed(headers)
