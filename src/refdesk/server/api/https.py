"""Pure ASGI: plain HTTP -> 302 to the HTTPS URL (contract §2.5)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from refdesk.server.api.origin import is_https, request_host
from refdesk.server.api.responses import ApiResponse
from refdesk.server.config import Settings


class HttpsRedirect:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not self.settings.force_https
            or scope["path"] == "/healthz"
            or is_https(scope, self.settings)
        ):
            await self.app(scope, receive, send)
            return
        original = scope.get("state", {}).get("original_path") or scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        location = f"https://{request_host(scope, self.settings)}{original}"
        if query:
            location += f"?{query}"
        response = ApiResponse(
            {},
            status_code=302,
            headers={"Location": location},
            media_type="application/json; charset=utf-8",
        )
        await response(scope, receive, send)
