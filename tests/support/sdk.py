"""SDK test harness: the real app in-process, driven by the SDK's ``Client`` and
``AsyncClient`` alike.

Every request the SDK sends goes through a :class:`Wire`, which runs it through
``httpx.ASGITransport`` on the test's event loop and records what crossed it (method, path,
status, headers) so tests can check retries and headers. The async client uses the wire
directly; the sync client runs in a worker thread and hands each request to the loop (the
database connections belong to that loop). The ``sdk`` fixture (tests/client/conftest.py) is
parametrised over both clients.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from refdesk.client import AsyncClient, Client, RetryPolicy
from refdesk.server.app import create_app
from refdesk.server.auth.service import create_application
from refdesk.server.runtime import Runtime
from tests.support.app import make_settings

BASE_URL = "https://testserver/api/v2"
# Retries that keep the tests quick: tiny backoff, but rate-limit waits are real (≤ 2 s here).
FAST = RetryPolicy(max_attempts=4, max_total_time=10.0, backoff_base=0.01, backoff_max=0.05)


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    status: int
    request_headers: httpx.Headers


class Wire:
    """The app behind the SDK, with a log and optional faults injected before the app."""

    def __init__(self, app: Any) -> None:
        self.asgi = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        self.log: list[Exchange] = []
        self.inject: list[int | type[httpx.TransportError]] = []
        self.before: Callable[[httpx.Request], Awaitable[None]] | None = None

    async def dispatch(self, request: httpx.Request) -> httpx.Response:
        if self.inject:
            fault = self.inject.pop(0)
            if isinstance(fault, type):
                self.log.append(Exchange(request.method, request.url.path, 0, request.headers))
                raise fault("injected failure", request=request)
            self.log.append(Exchange(request.method, request.url.path, fault, request.headers))
            return httpx.Response(
                fault,
                json={"error": "bad_gateway", "message": "Injected gateway failure"},
                request=request,
            )
        if self.before is not None:
            await self.before(request)
        response = await self.asgi.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        body = b"".join([chunk async for chunk in response.stream])
        self.log.append(
            Exchange(request.method, request.url.path, response.status_code, request.headers)
        )
        return httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )

    def statuses(self, path_part: str = "") -> list[int]:
        return [e.status for e in self.log if path_part in e.path]

    def count(self, method: str, path_part: str) -> int:
        return sum(1 for e in self.log if e.method == method and path_part in e.path)


class AsyncWire(httpx.AsyncBaseTransport):
    def __init__(self, wire: Wire) -> None:
        self.wire = wire

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return await self.wire.dispatch(request)


class SyncWire(httpx.BaseTransport):
    """A sync transport for tests only: runs the request on the test's event loop."""

    def __init__(self, wire: Wire, loop: asyncio.AbstractEventLoop) -> None:
        self.wire = wire
        self.loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        copy = httpx.Request(request.method, request.url, headers=request.headers, content=content)
        future = asyncio.run_coroutine_threadsafe(self.wire.dispatch(copy), self.loop)
        response = future.result(timeout=60)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=response.content,
            request=request,
        )


class Driver:
    """One SDK client plus a uniform way to call it from async tests:
    ``await d(lambda c: c.sites.get(7))`` and ``await d.collect(lambda c: c.sites.iter())``
    work for both the sync and the async client."""

    def __init__(self, client: Client | AsyncClient, wire: Wire) -> None:
        self.client = client
        self.wire = wire

    @property
    def is_async(self) -> bool:
        return isinstance(self.client, AsyncClient)

    async def __call__(self, fn: Callable[[Any], Any]) -> Any:
        if self.is_async:
            return await fn(self.client)
        return await asyncio.to_thread(fn, self.client)

    async def collect(self, fn: Callable[[Any], Any]) -> list[Any]:
        if self.is_async:
            return [item async for item in fn(self.client)]
        return await asyncio.to_thread(lambda: list(fn(self.client)))

    async def close(self) -> None:
        if isinstance(self.client, AsyncClient):
            await self.client.aclose()
        else:
            self.client.close()


@dataclass
class SDK:
    """Builds drivers of one kind ("sync" or "async") against the test's app (or another)."""

    kind: str
    app: Any
    runtime: Runtime
    tmp_path: Path
    database_url: str
    loop: asyncio.AbstractEventLoop
    drivers: list[Driver] = field(default_factory=list)

    def app_with(self, **overrides: Any) -> Any:
        """An app with other settings over the same database (tokens stay valid)."""
        settings = make_settings(self.tmp_path, self.database_url, **overrides)
        return create_app(runtime=Runtime.build(settings, db=self.runtime.db))

    def __call__(self, *, app: Any = None, **kwargs: Any) -> Driver:
        kwargs.setdefault("base_url", BASE_URL)
        kwargs.setdefault("retry", FAST)
        kwargs.setdefault("environ", {})
        wire = Wire(app if app is not None else self.app)
        client: Client | AsyncClient
        if self.kind == "async":
            client = AsyncClient(transport=AsyncWire(wire), **kwargs)
        else:
            client = Client(transport=SyncWire(wire, self.loop), **kwargs)
        driver = Driver(client, wire)
        self.drivers.append(driver)
        return driver


@dataclass(frozen=True)
class OAuthApp:
    client_id: str
    client_secret: str | None


async def make_oauth_app(
    rt: Runtime, account_id: int, *, scopes: str = "read write", **kwargs: Any
) -> OAuthApp:
    async with rt.db.transaction() as session:
        created = await create_application(
            session, rt.hasher, account_id, "SDK test", scopes=scopes, **kwargs
        )
    return OAuthApp(created.application.client_id, created.client_secret)
