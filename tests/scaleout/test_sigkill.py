"""A server process killed with SIGKILL in the middle of concurrent writes loses no
acknowledged write (issue 5, faults): every id whose 201 reached the client before the kill
exists after a restart. Runs on the session's database — the SQLite file (WAL, the embedded
default's engine settings) in the SQLite pass, PostgreSQL in the PostgreSQL pass."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy.engine import make_url

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.scaleout import Spawn

pytestmark = pytest.mark.slow
CONCURRENCY = 8
KILL_AFTER = 40  # acknowledged creates before the kill
MAX_REQUESTS = 2000


async def test_sigkill_during_writes_loses_no_acknowledged_write(
    spawn: Spawn, runtime: Runtime, database_url: str
) -> None:
    url = make_url(database_url)
    server = await spawn()
    if url.drivername.startswith("sqlite"):
        # The engine puts every SQLite database in WAL mode (persistent in the file), as for
        # the embedded default; a crash must not lose a committed transaction.
        with contextlib.closing(sqlite3.connect(url.database or "")) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    avail_url = f"/api/v2/users/{member.user.id}/availability"
    acknowledged: list[int] = []
    failed_after_kill = 0
    killed = asyncio.Event()
    counter = iter(range(MAX_REQUESTS))

    async def writer(client: httpx.AsyncClient) -> None:
        nonlocal failed_after_kill
        for n in counter:
            day = date(2026, 1, 1) + timedelta(days=n % 365)
            try:
                response = await client.post(
                    f"{server.base_url}{avail_url}",
                    json={"date": day.isoformat(), "start_time": "8am", "end_time": "9am"},
                )
            except httpx.TransportError:
                assert killed.is_set(), "a request failed before the kill"
                failed_after_kill += 1
                return
            assert response.status_code == 201, response.text
            acknowledged.append(int(response.json()["id"]))
            if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                killed.set()
                server.kill()  # SIGKILL with the other writers' requests in flight

    async with httpx.AsyncClient(timeout=30, headers=member.headers) as client:
        await asyncio.wait_for(
            asyncio.gather(*(writer(client) for _ in range(CONCURRENCY))), timeout=90
        )
    assert killed.is_set() and len(acknowledged) >= KILL_AFTER
    assert failed_after_kill > 0, "no request was in flight at the kill"

    restarted = await spawn()
    async with httpx.AsyncClient(timeout=30, headers=member.headers) as client:
        listed = await client.get(f"{restarted.base_url}{avail_url}?limit=200")
        assert listed.status_code == 200, listed.text
        stored = {int(entry["id"]) for entry in listed.json()["_embedded"]["availability"]}
        missing = sorted(set(acknowledged) - stored)
        assert not missing, f"acknowledged but lost: {missing}"
        for entry_id in acknowledged[-CONCURRENCY:]:
            one = await client.get(f"{restarted.base_url}{avail_url}/{entry_id}")
            assert one.status_code == 200, one.text
        # The restarted process takes writes again.
        after = await client.post(f"{restarted.base_url}{avail_url}", json={"date": "2027-01-01"})
        assert after.status_code == 201, after.text
