"""PostgreSQL unreachable -> 503 with ``Retry-After`` (never 500), and the server recovers by
itself when the database is back (contract §5 step 5; issue 5, faults).

This SIMULATES an outage: the shared PostgreSQL server is never stopped (other test runs use
it). The server process reaches PostgreSQL through a loopback TCP proxy (tests/scaleout/
support.py); "stopping the database" closes the proxy's listener and drops every proxied
connection, "starting" it again re-listens on the same port.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sqlalchemy.engine import make_url

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.scaleout import Spawn, TcpProxy

pytestmark = pytest.mark.slow
RECOVERY_TIMEOUT = 30.0


def check_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers["Retry-After"] == "7"
    assert "json" in response.headers["content-type"]
    assert "error" in response.json() or "errors" in response.json(), response.text


async def test_database_outage_gives_503_and_recovers(
    spawn: Spawn, runtime: Runtime, database_url: str
) -> None:
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        pytest.skip("simulated database outage needs PostgreSQL; runs in the PostgreSQL pass")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    try:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        server = await spawn(database=proxied)
        site = await create_site(runtime)
        member = await create_member(runtime, site, assignor=True)
        user_url = f"{server.base_url}/api/v2/users/{member.user.id}"
        avail_url = f"{user_url}/availability"
        async with httpx.AsyncClient(timeout=30, headers=member.headers) as client:
            assert (await client.get(user_url)).status_code == 200

            await proxy.stop()  # the database "goes down"
            outage = await asyncio.gather(
                client.get(user_url),
                client.get(avail_url),
                client.post(avail_url, json={"date": "2026-03-01"}),
                client.get(f"{server.base_url}/api/v2/sites/{site.id}/games"),
            )
            for response in outage:
                check_unavailable(response)
            # Still unavailable on the next requests (no 500 once the pool has noticed).
            for _ in range(3):
                check_unavailable(await client.get(user_url))
            health = await client.get(f"{server.base_url}/healthz")
            assert health.status_code == 503, health.text

            await proxy.start()  # the database "comes back"
            deadline = time.monotonic() + RECOVERY_TIMEOUT
            while True:
                response = await client.get(user_url)
                if response.status_code == 200:
                    break
                check_unavailable(response)
                assert time.monotonic() < deadline, "the server did not recover by itself"
                await asyncio.sleep(0.2)
            created = await client.post(avail_url, json={"date": "2026-03-02"})
            assert created.status_code == 201, created.text
            assert (await client.get(f"{server.base_url}/healthz")).status_code == 200
        assert server.process is not None and server.process.poll() is None
        # No request was answered 500 (the access log has every status the process sent).
        assert '" 500 ' not in server.log_text()
    finally:
        await proxy.stop()
