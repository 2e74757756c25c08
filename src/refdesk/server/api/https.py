"""Pure ASGI: the Host check, then plain HTTP -> 302 to the HTTPS URL (contract §2.5).

With ``public_base_url`` set, the redirect goes to its host: the client's ``Host`` header
steers nothing. Without it, the redirect (and every link) follows ``Host``, so a request naming
a host outside ``allowed_hosts`` (when that is set) is refused with ``400 bad_request`` before
the redirect; ``/healthz`` answers whatever the host (load balancers probe by address).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from refdesk.server.api.errors import send_error
from refdesk.server.api.origin import host_allowed, is_https, request_host
from refdesk.server.api.responses import ApiResponse
from refdesk.server.config import Settings


class HttpsRedirect:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        base = settings.public_base_url
        self.public_host = urlsplit(base).netloc if base else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/healthz":
            await self.app(scope, receive, send)
            return
        if not host_allowed(scope, self.settings):
            await send_error(
                scope,
                receive,
                send,
                self.settings,
                "bad_request",
                "The Host header names a host this server does not serve",
            )
            return
        if not self.settings.force_https or is_https(scope, self.settings):
            await self.app(scope, receive, send)
            return
        original = scope.get("state", {}).get("original_path") or scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        host = self.public_host or request_host(scope, self.settings)
        location = f"https://{host}{original}"
        if query:
            location += f"?{query}"
        response = ApiResponse(
            {},
            status_code=302,
            headers={"Location": location},
            media_type="application/json; charset=utf-8",
        )
        await response(scope, receive, send)
