"""Engine and sessions. SQLite: WAL, foreign keys, busy timeout, BEGIN IMMEDIATE for writes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from refdesk.server.files import secure_sqlite

WRITE_OPTION = "refdesk_write"
# Read sessions run each statement on its own, with no BEGIN/ROLLBACK round trips. PostgreSQL
# reads in READ COMMITTED see a new snapshot per statement anyway; SQLite now does the same.
AUTOCOMMIT_OPTION = "refdesk_autocommit"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        secure_sqlite(url)  # before SQLite creates the file (0644) or its -wal/-shm
        engine = create_async_engine(
            url,
            connect_args={"timeout": 30},
            poolclass=NullPool if ":memory:" in url else None,
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_timeout", 10)
    return create_async_engine(url, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync = engine.sync_engine

    @event.listens_for(sync, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that BEGIN is ours (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write transaction takes the write lock up front, so two writers serialise instead
        # of one failing with SQLITE_BUSY when it upgrades a stale read snapshot. A read
        # session sends no BEGIN: the driver is in autocommit mode (see _on_connect).
        options = conn.get_execution_options()
        if options.get(AUTOCOMMIT_OPTION):
            return
        if options.get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class Database:
    """The engine plus two session factories: reads (autocommit: no BEGIN, no ROLLBACK round
    trips), and writes (a transaction; BEGIN IMMEDIATE on SQLite)."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **kwargs)
        reads = {AUTOCOMMIT_OPTION: True} if is_sqlite(url) else {"isolation_level": "AUTOCOMMIT"}
        self._read = async_sessionmaker(
            self.engine.execution_options(**reads), expire_on_commit=False
        )
        self._write = async_sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        # Called with each session after it committed, before the caller goes on (the
        # principal cache's invalidation: ``auth/token_bus.py``). They must not raise.
        self.after_commit: list[Callable[[AsyncSession], Awaitable[None]]] = []

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, write: bool = False) -> AsyncSession:
        return (self._write if write else self._read)()

    async def commit(self, session: AsyncSession) -> None:
        """Commit, then tell the ``after_commit`` listeners (the one way sessions commit)."""
        await session.commit()
        for listener in self.after_commit:
            await listener(session)

    @asynccontextmanager
    async def transaction(self, write: bool = True) -> AsyncIterator[AsyncSession]:
        """A session that commits when the block ends normally, else rolls back."""
        async with self.session(write) as session:
            try:
                yield session
                await self.commit(session)
            except BaseException:
                await session.rollback()
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()
