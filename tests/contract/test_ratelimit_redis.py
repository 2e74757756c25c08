"""Rate limiting with the shared Redis store (contract §8.4, §8.5, §2.10): exact admission across
independent app instances, and 503 when the store is unreachable. Needs a real Redis."""

from __future__ import annotations

import asyncio
import os
import random
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from tests.support.ratelimit import Build, ietf, rl, wait_inside_windows

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("REFDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
PREFIX = "refdesk:rl:"


@pytest.fixture
async def peer() -> AsyncIterator[str]:
    """A client address of this test's own (so counters never collide with other runs); its
    counters are deleted afterwards."""
    ip = f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
    yield ip
    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [k async for k in redis.scan_iter(match=f"{PREFIX}{{ip:{ip}}}:*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


def client(app: Any, peer: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(peer, 40000)),
        base_url="https://testserver",
    )


async def test_two_instances_admit_exactly_the_limit(build: Build, peer: str) -> None:
    settings = {"rate_limit_rules": "20/3600,1000/7200", "rate_limit_store_url": REDIS_URL}
    _, first = await build(**settings)
    _, second = await build(**settings)
    assert (
        first.state.runtime.extras["rate_limiter"]
        is not second.state.runtime.extras["rate_limiter"]
    )
    await wait_inside_windows((3600, 7200), margin=30.0)
    async with client(first, peer) as one, client(second, peer) as two:
        responses = await asyncio.gather(*(c.get("/api/v2") for _ in range(30) for c in (one, two)))
        statuses = Counter(r.status_code for r in responses)
        assert statuses == {200: 20, 429: 40}
        admitted = [r for r in responses if r.status_code == 200]
        assert sorted(rl(r)[2] for r in admitted) == list(range(20))
        assert sorted(ietf(r)["w7200"][0] for r in admitted) == list(range(980, 1000))
        resets = {rl(r)[3] for r in responses}
        assert len(resets) == 1 and resets.pop() % 3600 == 0
        for resp in responses:
            assert rl(resp)[:2] == (20, 3600)
            if resp.status_code == 429:
                assert rl(resp)[2] == 0
                assert resp.json()["retry_after"] == int(resp.headers["retry-after"])
                assert resp.headers["retry-after"] == str(rl(resp)[4])
                # Rejected requests consumed nothing in the longer rule.
                assert ietf(resp)["w7200"][0] == 980
        # Both instances keep seeing the shared, exhausted budget.
        assert (await one.get("/api/v2")).status_code == 429
        assert (await two.get("/api/v2")).status_code == 429
        health = await one.get("/healthz")
        assert (health.status_code, health.json()) == (200, {"status": "ok"})

    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [k async for k in redis.scan_iter(match=f"{PREFIX}{{ip:{peer}}}:*")]
        assert len(keys) == 2
        for key in keys:
            assert 0 < await redis.ttl(key) <= 7200 + 60
    finally:
        await redis.aclose()


async def test_unreachable_store_is_503_with_rule_one_headers(build: Build, peer: str) -> None:
    _, app = await build(
        rate_limit_rules="3/60,5/300", rate_limit_store_url="redis://127.0.0.1:1/0"
    )
    async with (
        client(app, peer) as https,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(peer, 40000)),
            base_url="http://testserver",
        ) as plain,
    ):
        for resp in (await https.get("/api/v2"), await plain.get("/api/v2/sites")):
            assert resp.status_code == 503
            body = resp.json()
            assert body["error"] == "service_unavailable"
            assert body["status"] == 503
            limit, period, remaining, reset, seconds = rl(resp)
            assert (limit, period, remaining) == (3, 60, 0)
            assert reset % 60 == 0 and 1 <= seconds <= 60
            assert resp.headers["retry-after"] == str(seconds)
            assert resp.headers["ratelimit-policy"] == '"w60";q=3;w=60, "w300";q=5;w=300'
            fields = ietf(resp)
            assert fields["w60"] == (0, seconds)
            assert fields["w300"][0] == 0
        health = await https.get("/healthz")
        assert (health.status_code, health.json()) == (503, {"status": "unavailable"})
        assert "retry-after" in health.headers
        assert "x-ratelimit-limit" not in health.headers
