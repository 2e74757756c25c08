"""Pure ASGI: ``GET /healthz`` answered first — no auth, no HTTPS redirect, no rate limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import text
from starlette.types import ASGIApp, Receive, Scope, Send

from refdesk.server.api.responses import ApiResponse
from refdesk.server.runtime import Runtime

StoreCheck = Callable[[], Awaitable[bool]]


class HealthCheck:
    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def _database_ok(self) -> bool:
        try:
            async with self.runtime.db.session() as session:
                await session.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != "/healthz":
            await self.app(scope, receive, send)
            return
        await self.runtime.flags.refresh(force=True)
        store_check: StoreCheck | None = self.runtime.extras.get("rate_limit_store_check")
        if self.runtime.flags.in_maintenance:
            status, body = 503, {"status": "maintenance"}
        elif not await self._database_ok() or (store_check and not await store_check()):
            status, body = 503, {"status": "unavailable"}
        else:
            status, body = 200, {"status": "ok"}
        headers = {"Cache-Control": "no-store"}
        if status == 503:
            headers["Retry-After"] = str(
                self.runtime.settings.maintenance_retry_after
                if body["status"] == "maintenance"
                else self.runtime.settings.unavailable_retry_after
            )
        response = ApiResponse(body, status, headers, "application/json; charset=utf-8")
        await response(scope, receive, send)
