"""The events worker as real processes: ``kill -9`` mid-delivery loses nothing, two workers
on PostgreSQL deliver each (event, subscription) exactly once, SIGTERM ends a worker cleanly,
and ``refdesk serve`` delivers in-process on SQLite."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from refdesk.server.config import Settings
from refdesk.server.runtime import Runtime
from tests.factories import create_site
from tests.support.races import on_postgresql, postgresql_only
from tests.support.receiver import receiver
from tests.support.scaleout import ServerProcess, server_env
from tests.support.webhooks import (
    all_finished,
    attempts,
    create_subscription,
    deliveries,
    record_game_event,
)
from tests.support.workers import WorkerProcess

pytestmark = pytest.mark.slow

WORKER_ENV = {
    "REFDESK_WEBHOOK_ALLOW_HTTP": "true",
    "REFDESK_WEBHOOK_ALLOW_PRIVATE": "true",
    "REFDESK_WEBHOOK_RETRY_DELAYS": "0.2,0.2,0.2,0.2,0.2,0.2",
    "REFDESK_WORKER_POLL_SECONDS": "0.1",
    "REFDESK_PUBLIC_BASE_URL": "https://refs.example.org",
}

Workers = Callable[..., WorkerProcess]


@pytest.fixture
async def workers(tmp_path: Path, database_url: str, settings: Settings) -> AsyncIterator[Workers]:
    """``workers(REFDESK_X="...")`` makes one more worker process (not started); all are
    stopped after the test."""
    made: list[WorkerProcess] = []

    def make(**extra: str) -> WorkerProcess:
        env = server_env(
            database_url,
            tmp_path,
            None,
            settings.effective_secret_key(),
            **{**WORKER_ENV, **extra},
        )
        worker = WorkerProcess(env, tmp_path / f"worker{len(made) + 1}.log")
        made.append(worker)
        return worker

    try:
        yield make
    finally:
        for worker in made:
            worker.stop()


async def wait_until_finished(runtime: Runtime, within: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await all_finished(runtime):
        assert loop.time() < deadline, "deliveries did not finish in time"
        await asyncio.sleep(0.1)


async def test_kill_9_mid_delivery_loses_nothing(runtime: Runtime, workers: Workers) -> None:
    site = await create_site(runtime)
    async with receiver(hang=1) as hook:
        await create_subscription(runtime, site.id, hook.url())
        event = await record_game_event(runtime, site.id)
        first = workers(REFDESK_WORKER_LEASE_SECONDS="2", REFDESK_WEBHOOK_TIMEOUT="60")
        first.start()
        await hook.wait_for(lambda got: len(got) == 1, within=60)
        first.kill()  # the request is in flight: no answer was recorded
        (delivery,) = await deliveries(runtime)
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert delivery.locked_by is not None
        second = workers(REFDESK_WORKER_LEASE_SECONDS="2")
        second.start()
        await wait_until_finished(runtime)
        got = hook.requests
    assert len(got) == 2
    assert [r.header("X-Event-Id") for r in got] == [str(event.id)] * 2
    assert got[0].body == got[1].body
    assert [r.header("X-Refdesk-Attempt") for r in got] == ["1", "2"]
    (delivery,) = await deliveries(runtime)
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
    rows = await attempts(runtime)
    # The killed attempt's row is marked a timeout when the delivery is claimed again; the
    # restart's attempt succeeded.
    assert [(r.attempt, r.status_code, r.error) for r in rows] == [
        (1, None, "timeout"),
        (2, 200, None),
    ]
    assert second.stop() == 0  # SIGTERM: a clean exit


@postgresql_only
async def test_two_workers_deliver_each_event_once_under_load(
    runtime: Runtime, workers: Workers
) -> None:
    site = await create_site(runtime)
    async with receiver() as hook:
        await create_subscription(runtime, site.id, hook.url("/a"))
        await create_subscription(runtime, site.id, hook.url("/b"))
        # A generous timeout: on a loaded machine a retry after a timeout is a legitimate
        # second delivery (at least once); this test is about claims, not about timeouts.
        pair = [workers(REFDESK_WEBHOOK_TIMEOUT="120"), workers(REFDESK_WEBHOOK_TIMEOUT="120")]
        for worker in pair:
            worker.start()
        for worker in pair:
            await worker.wait_started()
        events = 150
        for n in range(events):
            await record_game_event(runtime, site.id, game_id=1000 + n)
        await wait_until_finished(runtime, within=180)
        got = Counter((r.path, r.header("X-Event-Id")) for r in hook.requests)
    tried = await attempts(runtime)
    problems = [
        line
        for w in pair
        for line in w.log_text().splitlines()
        if "webhook event" not in line and "events worker" not in line
    ]
    assert [(a.attempt, a.error) for a in tried if a.attempt != 1 or a.error] == [], problems
    assert len(tried) == 2 * events
    assert len(got) == 2 * events
    assert set(got.values()) == {1}  # nothing twice
    assert {d.status for d in await deliveries(runtime)} == {"succeeded"}
    for worker in pair:
        assert worker.stop() == 0
        assert "webhook event" in worker.log_text(), "one worker did all the work"


async def test_serve_delivers_in_process_on_sqlite(
    runtime: Runtime, tmp_path: Path, database_url: str, settings: Settings
) -> None:
    extra = {k: v for k, v in WORKER_ENV.items() if k != "REFDESK_PUBLIC_BASE_URL"}
    if on_postgresql():
        extra["REFDESK_EVENTS_WORKER"] = "in_process"  # auto means external there
    env = server_env(database_url, tmp_path, None, settings.effective_secret_key(), **extra)
    server = ServerProcess(env, tmp_path / "serve.log")
    site = await create_site(runtime)
    async with receiver() as hook:
        _, _secret = await create_subscription(runtime, site.id, hook.url())
        await server.start()
        try:
            event = await record_game_event(runtime, site.id)
            (request,) = await hook.wait_for(lambda got: len(got) == 1, within=60)
        finally:
            server.stop()
    assert "events worker: in-process" in server.log_text()
    body = json.loads(request.body)
    assert body["id"] == event.id
    # Without public_base_url the links use the address the server listens on.
    assert body["_links"]["site"]["href"] == f"{server.base_url}/api/v2/sites/{site.id}.json"
