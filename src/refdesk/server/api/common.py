"""Pure ASGI, outermost: X-Request-Id, Cache-Control/Vary/HSTS, CORS, and the last-resort 500."""

from __future__ import annotations

import logging
import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from refdesk.server.api.errors import internal_error_response
from refdesk.server.api.origin import header, is_https
from refdesk.server.api.paths import normalise_path
from refdesk.server.config import Settings

log = logging.getLogger("refdesk.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,200}$")
EXPOSE = (
    "Location, Retry-After, X-Request-Id, Idempotent-Replayed, RateLimit, RateLimit-Policy, "
    "X-Ratelimit-Limit, X-Ratelimit-Period, X-Ratelimit-Remaining, X-Ratelimit-Reset, "
    "X-Ratelimit-Reset-Seconds-Remaining"
)


def is_api_path(path: str) -> bool:
    return path == "/api/v2" or path.startswith("/api/v2/")


class CommonHeaders:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.cors = frozenset(settings.cors_allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        origin = header(scope, b"origin")
        cors_origin = origin if origin and origin in self.cors else None
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-Id"] = request_id
                # This middleware is outside PathNormaliser: classify /v2/... aliases too.
                path = normalise_path(str(scope.get("path", "")))
                api = is_api_path(path)
                if api or path.startswith("/oauth/"):
                    headers["Cache-Control"] = "no-store"
                if api:
                    headers["Vary"] = "Accept, Authorization" + (", Origin" if cors_origin else "")
                if self.settings.hsts and is_https(scope, self.settings):
                    headers["Strict-Transport-Security"] = "max-age=31536000"
                if cors_origin:
                    headers["Access-Control-Allow-Origin"] = cors_origin
                    headers["Access-Control-Expose-Headers"] = EXPOSE
                    if scope["method"] == "OPTIONS":
                        headers["Access-Control-Allow-Methods"] = headers.get("Allow", "")
                        headers["Access-Control-Allow-Headers"] = (
                            "Authorization, Content-Type, Accept, Idempotency-Key, X-Request-Id"
                        )
                        headers["Access-Control-Max-Age"] = "600"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:  # last resort: the app's own handler did not answer
            if started:
                log.error("request %s failed after its response started", request_id, exc_info=exc)
                return
            response = internal_error_response(scope, self.settings, exc)
            await response(scope, receive, send_with_headers)
