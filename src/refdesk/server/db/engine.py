"""Engine and sessions. SQLite: WAL, foreign keys, busy timeout, BEGIN IMMEDIATE for writes,
queued first come, first served by the write gate (``write_gate.py``)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool
from sqlalchemy.util import await_

from refdesk.server.db.write_gate import GATE_SUFFIX, WriteGate
from refdesk.server.files import private_file, secure_sqlite, sqlite_path

WRITE_OPTION = "refdesk_write"
# Read sessions run each statement on its own, with no BEGIN/ROLLBACK round trips. PostgreSQL
# reads in READ COMMITTED see a new snapshot per statement anyway; SQLite now does the same.
AUTOCOMMIT_OPTION = "refdesk_autocommit"
# A pooled PostgreSQL connection is pinged before use only after it sat idle this long. SQLAlchemy's
# ``pool_pre_ping`` pings on every checkout: a round trip per request, ~0.4 ms of a 2.5 ms read
# (issue 15). A connection that was in use a moment ago is alive unless the server went away in
# that moment; then the statement fails, the request is answered 503 and SQLAlchemy invalidates
# the pool's older connections on that disconnect.
PING_AFTER_IDLE_SECONDS = 1.0
_IDLE_SINCE = "refdesk_idle_since"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, gate: bool = True, **kwargs: Any) -> AsyncEngine:
    """``gate=False`` leaves SQLite's writers to its busy handler (the bench compares)."""
    if is_sqlite(url):
        secure_sqlite(url)  # before SQLite creates the file (0644) or its -wal/-shm
        if ":memory:" in url:
            kwargs["poolclass"] = NullPool
        elif make_url(url).database:  # a file (no database: SQLAlchemy's StaticPool)
            # Writers queued at the gate hold their connection while they wait; with the
            # default 5 + 10 the rest of the requests (their token lookups, the reads, the
            # events worker) then waited for a connection: a third less write throughput.
            kwargs.setdefault("pool_size", 8)
            kwargs.setdefault("max_overflow", 22)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine, _gate_for(url) if gate else None)
        return engine
    ping_after_idle = kwargs.pop("ping_after_idle", PING_AFTER_IDLE_SECONDS)
    # Up to 20 connections per process, as before (10 + 10), but 16 of them kept when idle:
    # with 10 kept, a worker serving 16 concurrent reads closed and reopened about five
    # connections a second (a new PostgreSQL backend each, and the client's TLS attempt).
    kwargs.setdefault("pool_size", 16)
    kwargs.setdefault("max_overflow", 4)
    kwargs.setdefault("pool_timeout", 10)
    engine = create_async_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_after_idle(engine, ping_after_idle)
    return engine


def _ping_after_idle(engine: AsyncEngine, seconds: float) -> None:
    """Ping a pooled connection at checkout when it was checked in ``seconds`` ago or more; a
    failed ping makes the pool replace it (``DisconnectionError``: up to three attempts)."""
    sync = engine.sync_engine
    dialect = sync.dialect

    @event.listens_for(sync, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(sync, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < seconds:
            return  # new, or in use a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the driver's error for a dead connection
            raise DisconnectionError("the pooled connection is gone") from exc
        if not alive:
            raise DisconnectionError("the pooled connection is gone")


def _gate_for(url: str) -> WriteGate | None:
    """A file database's gate, with its lock file next to the database (0600); none in
    memory (every connection is a database of its own)."""
    if ":memory:" in url:
        return None
    path = sqlite_path(url)
    lock_path = None if path is None else path.with_name(path.name + GATE_SUFFIX)
    if lock_path is not None:
        private_file(lock_path)
    return WriteGate(lock_path)


def write_gate(engine: AsyncEngine) -> WriteGate | None:
    """The engine's write gate (SQLite on a file), or None."""
    gate = engine.sync_engine.dialect.__dict__.get("refdesk_write_gate")
    return gate if isinstance(gate, WriteGate) else None


def _configure_sqlite(engine: AsyncEngine, gate: WriteGate | None) -> None:
    sync = engine.sync_engine
    _skip_idle_rollbacks(engine)
    if gate is not None:
        _open_gate_when_transactions_end(engine, gate)

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
            if gate is None:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            # Queue for the write lock (FIFO) instead of spinning in SQLite's busy handler.
            holder = conn.connection.dbapi_connection
            await_(gate.acquire(holder))
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                gate.release(holder)
                raise
        else:
            conn.exec_driver_sql("BEGIN")


def _skip_idle_rollbacks(engine: AsyncEngine) -> None:
    """No ROLLBACK for a connection outside any transaction. A read session runs in autocommit
    (no BEGIN), yet closing it rolled back twice (the session's connection, then the pool's
    reset on return): two hand-offs to SQLite's thread for nothing, about 0.15 ms of CPU per
    read (issue 15). SQLite reports whether a transaction is open without that hand-off."""
    dialect = engine.sync_engine.dialect
    inner = dialect.do_rollback

    def do_rollback(dbapi_connection: Any) -> None:
        driver = getattr(dbapi_connection, "driver_connection", None)
        try:
            idle = driver is not None and not driver.in_transaction
        except ValueError:  # closed: SQLAlchemy's adapter skips the rollback as well
            idle = True
        if not idle:
            inner(dbapi_connection)

    dialect.__dict__["do_rollback"] = do_rollback


def _open_gate_when_transactions_end(engine: AsyncEngine, gate: WriteGate) -> None:
    """Every end of a transaction on this engine's connections passes through the dialect's
    ``do_commit``/``do_rollback`` (the pool's reset on return too), or ``do_close``/
    ``do_terminate`` when the connection is dropped: each opens the gate, if that connection
    holds it, as it sends the ``COMMIT``/``ROLLBACK``. The next writer's task then runs (one
    turn of the event loop later) while the commit finishes in the driver's thread instead of
    after it: the gate never sits idle for a turn. Should its ``BEGIN IMMEDIATE`` still find
    the lock taken, SQLite's busy handler waits the last fraction of a millisecond."""
    dialect = engine.sync_engine.dialect
    dialect.__dict__["refdesk_write_gate"] = gate

    def after(name: str) -> None:
        inner = getattr(dialect, name)

        def wrapped(dbapi_connection: Any) -> None:
            gate.release(getattr(dbapi_connection, "dbapi_connection", dbapi_connection))
            inner(dbapi_connection)

        setattr(dialect, name, wrapped)

    for name in ("do_commit", "do_rollback", "do_close", "do_terminate"):
        after(name)


class Database:
    """The engine plus two session factories: reads (autocommit: no BEGIN, no ROLLBACK round
    trips), and writes (a transaction; BEGIN IMMEDIATE on SQLite)."""

    def __init__(self, url: str, *, gate: bool = True, **kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, gate=gate, **kwargs)
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
