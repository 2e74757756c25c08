"""Counting what the app asks of the database: SQL statements and pool checkouts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from refdesk.server.runtime import Runtime


@contextmanager
def counting(runtime: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    engine = runtime.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@contextmanager
def checkouts(runtime: Runtime) -> Iterator[list[int]]:
    taken: list[int] = []

    def record(*_args: Any) -> None:
        taken.append(1)

    pool = runtime.db.engine.sync_engine.pool
    event.listen(pool, "checkout", record)
    try:
        yield taken
    finally:
        event.remove(pool, "checkout", record)
