"""One read session per read request, shared by authentication and the endpoint.

A GET or HEAD needs the token lookup and then the endpoint's reads. Doing both in one session
means one connection checkout, one BEGIN and one rollback per request instead of two of each.
The rate limiter (outside the app) opens it when it resolves the token and closes it when the
response is done; the ``db_session`` dependency hands the same session to the endpoint.
Writes keep their own session: on SQLite it takes the write lock (BEGIN IMMEDIATE), which
must not be held while the middleware runs.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Scope

from refdesk.server.db.engine import Database

log = logging.getLogger("refdesk.db")
KEY = "refdesk.read_session"
READ_METHODS = frozenset({"GET", "HEAD"})


def read_session(scope: Scope, db: Database) -> AsyncSession | None:
    """The request's shared read session (opened on first use), or None for a write."""
    if scope.get("method") not in READ_METHODS:
        return None
    state = scope.setdefault("state", {})
    session = state.get(KEY)
    if not isinstance(session, AsyncSession):
        session = state[KEY] = db.session(write=False)
    return session


def session_for(scope: Scope, db: Database) -> AsyncSession:
    """A session for work outside the ``db_session`` dependency: the shared one for a read
    (closing it early is harmless), else a new one. Holding the shared session's connection
    while waiting for a second one could exhaust the pool under load."""
    return read_session(scope, db) or db.session()


async def release_read_session(scope: Scope) -> bool:
    """Close the shared session, if one was opened; False when closing failed (the database
    went away: the caller marks it unreachable)."""
    session = scope.get("state", {}).pop(KEY, None)
    if not isinstance(session, AsyncSession):
        return True
    try:
        await session.close()
    except (DBAPIError, OSError) as exc:
        log.warning("closing a database session failed: %s", type(exc).__name__)
        return False
    return True
