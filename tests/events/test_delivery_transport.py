"""The worker's HTTP client connects only to addresses checked for the request (no second
DNS lookup that a rebinding answer could change), keeps the URL's Host, and refuses to
connect at all outside :func:`pinned`."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import httpx
import pytest

from refdesk.server.config import Settings
from refdesk.server.events.transport import make_client, pinned
from refdesk.server.events.worker import Worker
from refdesk.server.runtime import Runtime
from tests.factories import create_site
from tests.support.receiver import receiver
from tests.support.webhooks import (
    all_finished,
    attempts,
    create_subscription,
    delivery_settings,
    record_game_event,
    run_until,
)

LOOPBACK = ipaddress.ip_address("127.0.0.1")


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return delivery_settings(tmp_path, database_url)


async def test_connects_to_the_pinned_address_not_to_what_the_name_resolves_to() -> None:
    async with receiver() as hook, make_client(5, 4) as client:
        # "rebound.invalid" resolves nowhere; the pinned address is used instead.
        with pinned("rebound.invalid", [LOOPBACK]):
            response = await client.post(f"http://rebound.invalid:{hook.port}/x", content=b"{}")
        assert response.status_code == 200
        (request,) = hook.requests
        assert request.header("Host") == f"rebound.invalid:{hook.port}"


async def test_refuses_to_connect_without_a_checked_address() -> None:
    async with receiver() as hook, make_client(5, 4) as client:
        with pytest.raises(httpx.ConnectError):
            await client.post(hook.url(), content=b"{}")
        with pinned("other.example", [LOOPBACK]), pytest.raises(httpx.ConnectError):
            await client.post(hook.url(), content=b"{}")
        assert hook.requests == []


async def test_a_host_name_target_is_delivered_through_its_checked_address(
    runtime: Runtime,
) -> None:
    site = await create_site(runtime)
    async with receiver() as hook:
        await create_subscription(runtime, site.id, f"http://localhost:{hook.port}/named")
        await record_game_event(runtime, site.id)
        worker = Worker(runtime, "w1")
        try:
            await run_until(worker, lambda: all_finished(runtime))
        finally:
            await worker.aclose()
        (request,) = hook.requests
    assert request.path == "/named"
    assert request.header("Host") == f"localhost:{hook.port}"
    assert [(a.status_code, a.error) for a in await attempts(runtime)] == [(200, None)]
