"""Pure ASGI: maintenance mode and an unreachable database answer 503 (contract §5 step 5)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from refdesk.server.api.errors import send_error
from refdesk.server.config import Settings
from refdesk.server.db.shared_session import read_session
from refdesk.server.flags import ServerFlags


class AvailabilityGate:
    def __init__(self, app: ASGIApp, settings: Settings, flags: ServerFlags) -> None:
        self.app = app
        self.settings = settings
        self.flags = flags

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # A read shares the request's session (opened here or by the token lookup).
        await self.flags.refresh(session=read_session(scope, self.flags.db))
        if self.flags.in_maintenance:
            await send_error(
                scope,
                receive,
                send,
                self.settings,
                "maintenance",
                "The server is down for maintenance; try again later",
                headers={"Retry-After": str(self.settings.maintenance_retry_after)},
            )
            return
        if not self.flags.database_reachable:
            await send_error(
                scope,
                receive,
                send,
                self.settings,
                "service_unavailable",
                "The database is unreachable; try again later",
                headers={"Retry-After": str(self.settings.unavailable_retry_after)},
            )
            return
        await self.app(scope, receive, send)
