"""A fair queue in front of SQLite's write lock.

SQLite lets one writer at a time in; the others wait in its busy handler, which sleeps in
growing steps (1, 2, 5, 10 … 100 ms) and retries. A waiter that has backed off to 100 ms
sleeps while the lock is free, and a writer that arrives just then takes it first: under load
some writes wait for seconds while the median waits milliseconds. Measured with
``python -m bench writes`` (token endpoint, 16 connections, one worker): the write lock is
held ~1.2 ms at the median and ≤ 50 ms at p99, the ``COMMIT`` (WAL checkpoints included)
≤ 25 ms at p99, but the wait for ``BEGIN IMMEDIATE`` is ~1 ms at p50 and 0.7–2 s at p99: the
whole tail is the busy handler. The gate makes writers queue instead of spin:

* in one process, a ``FairLock`` (``fair_lock.py``): a free gate goes to whoever asks, and a
  writer that has waited 20 ms is handed the gate next, before any newcomer;
* across processes (``serve --workers N`` or a CLI command next to the server), an exclusive
  ``flock`` on ``<database>-writer``: the one writer per process that holds the in-process
  lock waits in the kernel, which wakes it as soon as the lock is released, never after a
  sleep.

The gate is taken just before ``BEGIN IMMEDIATE`` and released as the transaction's
``COMMIT`` or ``ROLLBACK`` is sent (or when its connection is closed; see engine.py). It
only orders the writers:
SQLite's own lock still excludes them, so a writer that is not gated (another program, an
old process) is safe, merely unfair. A writer that waits longer than ``timeout`` for the gate
goes on without it (logged), so a gate that is never released cannot stop the writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import time
import weakref
from pathlib import Path

from refdesk.server.db.fair_lock import FairLock

log = logging.getLogger("refdesk.db")
GATE_SUFFIX = "-writer"


class WriteGate:
    def __init__(self, lock_path: Path | None, timeout: float = 30.0, permits: int = 1) -> None:
        self.lock_path = lock_path
        self.permits = permits
        self.timeout = timeout
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FairLock] = (
            weakref.WeakKeyDictionary()
        )
        self._fd: int | None = None
        self._fd_pid = 0
        # id(connection) -> (connection, its lock, whether it holds the file lock), for the
        # connection whose transaction holds the gate (one per event loop).
        self._held: dict[int, tuple[object, FairLock, bool]] = {}

    @property
    def held(self) -> int:
        """How many transactions hold the gate now (0 or 1 per event loop)."""
        return len(self._held)

    def _lock(self) -> FairLock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = FairLock(self.permits)
        return lock

    def _file(self) -> int | None:
        if self.lock_path is None:
            return None
        if self._fd is None or self._fd_pid != os.getpid():  # not inherited across fork
            self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._fd_pid = os.getpid()
        return self._fd

    async def acquire(self, holder: object) -> None:
        """Wait for the gate on behalf of ``holder`` (a DBAPI connection)."""
        started = time.perf_counter()
        lock = self._lock()
        try:
            await asyncio.wait_for(lock.acquire(), self.timeout)
        except TimeoutError:
            log.warning("waited %.0f s for the write gate; writing without it", self.timeout)
            return
        try:
            held_file = await self._acquire_file(started)
        except BaseException:
            lock.release()
            raise
        self._held[id(holder)] = (holder, lock, held_file)

    async def _acquire_file(self, started: float) -> bool:
        fd = self._file()
        if fd is None:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        # Another process writes: wait in the kernel, in a thread. If this task is cancelled
        # meanwhile, the thread still gets the lock eventually and hands it straight back.
        waiting = asyncio.get_running_loop().run_in_executor(None, fcntl.flock, fd, fcntl.LOCK_EX)
        left = max(0.0, self.timeout - (time.perf_counter() - started))
        try:
            await asyncio.wait_for(asyncio.shield(waiting), left)
            return True
        except TimeoutError:
            log.warning("waited %.0f s for the write gate; writing without it", self.timeout)
            waiting.add_done_callback(lambda f: _unlock_if_taken(f, fd))
            return False
        except BaseException:
            waiting.add_done_callback(lambda f: _unlock_if_taken(f, fd))
            raise

    def release(self, holder: object) -> None:
        """Open the gate if ``holder`` holds it (idempotent; any other holder: no-op)."""
        held = self._held.get(id(holder))
        if held is None or held[0] is not holder:
            return
        del self._held[id(holder)]
        _, lock, held_file = held
        if held_file and self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        if lock.locked():
            lock.release()


def _unlock_if_taken(future: asyncio.Future[None], fd: int) -> None:
    if not future.cancelled() and future.exception() is None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
