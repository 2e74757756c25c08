"""SQLite: at most ``read_concurrency`` reads at work at once (``api/read_gate.py``, issue 15),
counted here as connections checked out of the real pool while many reads run concurrently;
and a read gives its turn back when its response starts, so a client that is slow to take
its body holds up nobody."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event

from refdesk.server.app import create_app
from refdesk.server.db.engine import is_sqlite
from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member, create_site
from tests.support.app import client_for

READERS = 40


async def _gated(runtime: Runtime, limit: int) -> tuple[Runtime, Any]:
    settings = runtime.settings.model_copy(update={"read_concurrency": limit})
    gated = Runtime.build(settings)
    return gated, create_app(runtime=gated)


def _availability(member: Member) -> str:
    return f"/api/v2/users/{member.user.id}/availability"


async def _most_connections_at_once(runtime: Runtime, limit: int, member: Member) -> int:
    gated, app = await _gated(runtime, limit)
    busy = most = 0

    def checkout(*_: Any) -> None:
        nonlocal busy, most
        busy += 1
        most = max(most, busy)

    def checkin(*_: Any) -> None:
        nonlocal busy
        busy -= 1

    pool = gated.db.engine.sync_engine.pool
    event.listen(pool, "checkout", checkout)
    event.listen(pool, "checkin", checkin)
    try:
        async with client_for(app) as client:
            reads = [
                client.get(_availability(member), headers=member.headers) for _ in range(READERS)
            ]
            answers = await asyncio.gather(*reads)
        assert [a.status_code for a in answers] == [200] * READERS
    finally:
        event.remove(pool, "checkout", checkout)
        event.remove(pool, "checkin", checkin)
        await gated.db.dispose()
    return most


async def test_no_more_reads_at_work_than_the_limit(runtime: Runtime) -> None:
    if not is_sqlite(runtime.db.url):
        pytest.skip("the gate is for SQLite's threads; PostgreSQL runs without it")
    member = await create_member(runtime, await create_site(runtime))
    assert await _most_connections_at_once(runtime, 2, member) <= 2
    assert await _most_connections_at_once(runtime, 0, member) > 2  # ungated: many at once


async def test_a_slow_client_gives_its_turn_back_when_its_response_starts(
    runtime: Runtime,
) -> None:
    if not is_sqlite(runtime.db.url):
        pytest.skip("the gate is for SQLite's threads; PostgreSQL runs without it")
    member = await create_member(runtime, await create_site(runtime))
    gated, app = await _gated(runtime, 1)
    started, go_on = asyncio.Event(), asyncio.Event()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def slow_send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.set()
        elif message["type"] == "http.response.body":
            await go_on.wait()  # the client does not take its body yet

    path = _availability(member)
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"test"), *(
            (k.lower().encode(), v.encode()) for k, v in member.headers.items()
        )], "client": ("127.0.0.1", 5000), "server": ("test", 80),
    }  # fmt: skip
    slow = asyncio.create_task(app(scope, receive, slow_send))
    try:
        await asyncio.wait_for(started.wait(), 30)
        async with client_for(app) as client:  # the only turn is free again
            other = await asyncio.wait_for(client.get(path, headers=member.headers), 30)
        assert other.status_code == 200
        assert not slow.done()
    finally:
        go_on.set()
        await slow
        await gated.db.dispose()
