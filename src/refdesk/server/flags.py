"""Installation-wide flags kept in the database (maintenance mode), read by every process.

Each process re-reads them at most every ``flag_refresh_seconds``; a failed read marks the
database unreachable until a later read succeeds (contract §5 step 5: 503 and self-recovery).
"""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.db.engine import Database
from refdesk.server.db.models import ServerFlag

log = logging.getLogger("refdesk.flags")
MAINTENANCE = "maintenance"
FLAG_VALUE = select(ServerFlag.value).where(ServerFlag.name == MAINTENANCE)


class ServerFlags:
    def __init__(self, db: Database, refresh_seconds: float, static_maintenance: bool) -> None:
        self.db = db
        self.refresh_seconds = refresh_seconds
        self.static_maintenance = static_maintenance
        self.maintenance = False
        self.database_reachable = True
        self._checked_at = float("-inf")
        self._lock = asyncio.Lock()

    async def refresh(self, force: bool = False, session: AsyncSession | None = None) -> None:
        """Re-read the flags when they are older than ``refresh_seconds``; in ``session`` when
        given (a read request's shared session: no second connection while it holds one)."""
        if not force and time.monotonic() - self._checked_at < self.refresh_seconds:
            return
        async with self._lock:
            if not force and time.monotonic() - self._checked_at < self.refresh_seconds:
                return
            try:
                if session is not None:
                    value = await session.scalar(FLAG_VALUE)
                else:
                    async with self.db.session() as own:
                        value = await own.scalar(FLAG_VALUE)
                self.maintenance = value == "on"
                if not self.database_reachable:
                    log.warning("database reachable again")
                self.database_reachable = True
            except Exception as exc:
                if self.database_reachable:
                    log.error("database unreachable: %s", type(exc).__name__)
                self.database_reachable = False
            self._checked_at = time.monotonic()

    def mark_unreachable(self) -> None:
        """Called when a request hit a connection error: re-check on the next request."""
        self.database_reachable = False
        self._checked_at = float("-inf")

    @property
    def in_maintenance(self) -> bool:
        return self.static_maintenance or self.maintenance


async def set_maintenance(db: Database, on: bool) -> None:
    async with db.transaction() as session:
        flag = await session.get(ServerFlag, MAINTENANCE)
        if flag is None:
            session.add(ServerFlag(name=MAINTENANCE, value="on" if on else "off"))
        else:
            flag.value = "on" if on else "off"
