"""Pure ASGI, step 6 of §5: unknown path -> 404, known path with another method -> 405 with a
complete ``Allow``; ``OPTIONS`` on a known path -> 204 with ``Allow`` (no authentication)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from refdesk.server.api.errors import send_error
from refdesk.server.config import Settings

ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
PROBED = ("GET", "POST", "PUT", "PATCH", "DELETE")
_DIGITS = re.compile(r"(?<=/)[0-9]+(?=/|$)")
# A page for people instead of the JSON body: (scope, 404 or 405, headers) -> a response, or
# None for a machine. The web app provides it (``web/errors.gate_page``).
PageFor = Callable[[Scope, int, dict[str, str]], Response | None]


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str] | None:
    """Methods served on the scope's path (None: no route has this path). Uses only the
    public ``BaseRoute.matches``, trying each method in turn."""
    methods: set[str] = set()
    found = False
    for method in PROBED:
        probe = dict(scope, method=method)
        for route in routes:
            match, _ = route.matches(probe)
            if match == Match.FULL:
                methods.add(method)
                found = True
                break
            if match == Match.PARTIAL:
                found = True
    if not found:
        return None
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return [m for m in ORDER if m in methods]


class MethodGate:
    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        routes: Callable[[], Sequence[BaseRoute]],
        page_for: PageFor | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.routes = routes
        self.page_for = page_for
        self._cache: dict[str, list[str] | None] = {}

    def _allowed(self, scope: Scope) -> list[str] | None:
        # Id segments match any digit run alike, so paths differing only in ids share
        # one cache entry.
        key = _DIGITS.sub("1", scope["path"])
        if key not in self._cache:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = allowed_methods(self.routes(), dict(scope, path=key))
        return self._cache[key]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        allowed = self._allowed(scope)
        method = scope["method"]
        if allowed is None:
            if await self._page(scope, receive, send, 404, {}):
                return
            await send_error(
                scope, receive, send, self.settings, "not_found", f"No route matches {path}"
            )
            return
        if method == "OPTIONS":
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [(b"allow", ", ".join(allowed).encode())],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if method not in allowed:
            if await self._page(scope, receive, send, 405, {"Allow": ", ".join(allowed)}):
                return
            await send_error(
                scope,
                receive,
                send,
                self.settings,
                "method_not_allowed",
                f"{method} is not supported on {path}",
                headers={"Allow": ", ".join(allowed)},
            )
            return
        await self.app(scope, receive, send)

    async def _page(
        self, scope: Scope, receive: Receive, send: Send, status: int, headers: dict[str, str]
    ) -> bool:
        page = self.page_for(scope, status, headers) if self.page_for is not None else None
        if page is None:
            return False
        await page(scope, receive, send)
        return True
