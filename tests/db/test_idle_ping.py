"""PostgreSQL: a pooled connection is pinged before use only after it sat idle
(``engine.PING_AFTER_IDLE_SECONDS``), not on every checkout (issue 15: the ping was a round
trip per request). A connection the server dropped while it was idle is replaced before the
request uses it: the client sees a normal answer, never a 503."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from refdesk.server.db import engine as db_engine
from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site


def _postgres(database_url: str) -> str:
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        pytest.skip("PostgreSQL's pool; runs in the PostgreSQL pass")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _drop_other_connections(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        dropped = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return len(dropped)


def _count_pings(runtime: Runtime) -> list[int]:
    pings = [0]
    dialect = runtime.db.engine.sync_engine.dialect
    inner = dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings[0] += 1
        return bool(inner(dbapi_connection))

    dialect.do_ping = counted  # type: ignore[method-assign]
    return pings


async def test_a_busy_connection_is_not_pinged_and_an_idle_dead_one_is_replaced(
    runtime: Runtime, client: httpx.AsyncClient, database_url: str
) -> None:
    dsn = _postgres(database_url)
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    path = f"/api/v2/users/{member.user.id}"
    pings = _count_pings(runtime)
    statements: list[str] = []
    event.listen(
        runtime.db.engine.sync_engine,
        "before_cursor_execute",
        lambda *args: statements.append(args[2]),
    )

    for _ in range(5):  # back to back: the connection was in use a moment ago
        assert (await client.get(path, headers=member.headers)).status_code == 200
    assert pings[0] == 0
    assert statements, "the requests ran their statements"

    assert await _drop_other_connections(dsn) >= 1  # the pool's connections die while idle
    await asyncio.sleep(db_engine.PING_AFTER_IDLE_SECONDS + 0.2)
    response = await client.get(path, headers=member.headers)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == member.user.id
    assert pings[0] >= 1  # the idle connection was pinged, found dead and replaced


async def test_sixteen_concurrent_reads_keep_their_connections(
    runtime: Runtime, client: httpx.AsyncClient, database_url: str
) -> None:
    """A worker under 16 concurrent reads keeps the connections it opened: the pool keeps 16
    when idle (with 10 kept it closed six after each burst and opened them again, a new
    PostgreSQL backend each, about five a second under the bench's load)."""
    _postgres(database_url)
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    path = f"/api/v2/users/{member.user.id}"
    engine = runtime.db.engine.sync_engine
    pool: Any = engine.pool
    opened = [0]
    widest = [0]
    event.listen(engine, "connect", lambda *args: opened.__setitem__(0, opened[0] + 1))
    event.listen(
        engine, "checkout", lambda *args: widest.__setitem__(0, max(widest[0], pool.checkedout()))
    )

    for _ in range(3):
        answers = await asyncio.gather(
            *(client.get(path, headers=member.headers) for _ in range(16))
        )
        assert {answer.status_code for answer in answers} == {200}
        assert widest[0] > 10, f"the burst held only {widest[0]} connections at once"
        # Every connection the bursts needed at once is still there, idle: none was closed.
        assert pool.checkedout() == 0
        assert pool.checkedin() >= widest[0]
    assert opened[0] <= widest[0] + 1  # the widest burst's, and the fixtures' own
