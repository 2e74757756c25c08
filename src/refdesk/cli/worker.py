"""``refdesk worker`` and the in-process worker of ``refdesk serve``: running
:class:`refdesk.server.events.worker.Worker` until a signal or the server stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import logging.config
import signal
from collections.abc import AsyncIterator, Coroutine
from typing import Any, TypeVar

from refdesk.server.config import Settings
from refdesk.server.events.worker import Worker
from refdesk.server.logs import logging_config
from refdesk.server.runtime import Runtime

log = logging.getLogger("refdesk.worker")
T = TypeVar("T")


async def _run(settings: Settings, worker_id: str | None, once: bool) -> None:
    runtime = Runtime.build(settings)
    worker = Worker(runtime, worker_id)
    try:
        if once:
            await worker.run_once()
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await worker.run(stop)
    finally:
        await worker.aclose()
        await runtime.db.dispose()


def run_worker(settings: Settings, worker_id: str | None = None, *, once: bool = False) -> None:
    logging.config.dictConfig(logging_config())
    if not settings.public_base_url:
        log.warning(
            "REFDESK_PUBLIC_BASE_URL is not set: links in webhook bodies and e-mail use "
            "http://localhost:8000. Set it to the address clients use."
        )
    asyncio.run(_run(settings, worker_id, once))


@contextlib.asynccontextmanager
async def in_process_worker(runtime: Runtime, enabled: bool) -> AsyncIterator[None]:
    """Run a worker beside the server while the block runs (``refdesk serve`` on SQLite);
    on exit, let the round in progress finish (at most ``webhook_timeout``), then stop."""
    if not enabled:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(runtime).run(stop))
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, runtime.settings.webhook_timeout + 5)
        except TimeoutError:
            log.warning("events worker did not stop in time; its leases will expire")


async def with_worker(serving: Coroutine[Any, Any, T], runtime: Runtime, enabled: bool) -> T:
    """Run ``serving`` (the server) with the in-process worker beside it when ``enabled``;
    the worker stops after the server, then the database pool is closed."""
    try:
        async with in_process_worker(runtime, enabled):
            return await serving
    finally:
        await runtime.db.dispose()
