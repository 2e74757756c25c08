"""SQLite: closing a read session sends no ROLLBACK to the driver (its connection never left
autocommit: ``db/engine._skip_idle_rollbacks``, issue 15), while a write session that fails
still rolls back what it wrote."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import func, select

from refdesk.server.db.engine import is_sqlite
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from tests.factories import create_site


@contextmanager
def driver_rollbacks() -> Iterator[list[bool]]:
    """Every ROLLBACK that reaches aiosqlite, with whether a transaction was open."""
    seen: list[bool] = []
    original = aiosqlite.Connection.rollback

    async def rollback(self: aiosqlite.Connection) -> None:
        seen.append(self.in_transaction)
        await original(self)

    aiosqlite.Connection.rollback = rollback  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        aiosqlite.Connection.rollback = original  # type: ignore[method-assign]


async def _sites(runtime: Runtime) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Site)) or 0)


async def test_reads_send_no_rollback_and_failed_writes_still_roll_back(
    runtime: Runtime,
) -> None:
    if not is_sqlite(runtime.settings.database_url):
        pytest.skip("SQLite's driver; PostgreSQL's adapter sends no ROLLBACK outside a transaction")
    site_id = (await create_site(runtime)).id
    with driver_rollbacks() as seen:
        for _ in range(3):
            assert await _sites(runtime) == 1
    assert seen == []
    with driver_rollbacks() as seen, pytest.raises(RuntimeError):
        async with runtime.db.transaction() as session:
            site: Any = await session.get(Site, site_id)
            site.name = "renamed, then rolled back"
            await session.flush()
            raise RuntimeError("the request failed")
    assert seen == [True]
    async with runtime.db.session() as session:
        assert (await session.get(Site, site_id)) is not None
        assert (await session.get(Site, site_id)).name != "renamed, then rolled back"  # type: ignore[union-attr]
    assert await _sites(runtime) == 1
