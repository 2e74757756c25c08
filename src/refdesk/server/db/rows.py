"""Plain column rows of a select, run on the session's Core connection.

``session.execute(select(<columns>))`` runs an ORM-enabled select: the ORM sets up its
compile state and builds every row through its loading loop (a processor call per column
per row), even when no entity is selected. The hot reads (game pages, one game, slots,
availability) only want rows, so they run on the session's own connection instead: the same
transaction, the same statement (and statement events), the same typed values, without the
ORM's per-row work. Pending ORM changes are flushed first when the session autoflushes, as
it would have before a query (a write answers with the bundle of what it just changed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncSession


async def select_rows(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> list[Any]:
    """The rows (``Row``) of ``statement``, a select of plain columns, with ``params`` bound."""
    sync = session.sync_session
    if sync.autoflush and (sync.new or sync.deleted or sync.identity_map.check_modified()):
        await session.flush()
    connection = await session.connection()
    result = await connection.execute(statement, params)
    return list(result.all())
