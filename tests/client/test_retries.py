"""Retries (429 waits for the window, 502/503/504 and transport failures back off, bounded) and
client-side pacing, against servers configured with tiny limits or in maintenance mode."""

from __future__ import annotations

import httpx
import pytest

from refdesk.client import (
    RateLimited,
    RetryPolicy,
    ServerError,
    ServiceUnavailable,
    TransportError,
)
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site, create_token
from tests.support.sdk import SDK

# Rate limits of 3 requests per 2-second window: seven quick requests span at most two
# windows (6 admitted), so at least one is refused and has to wait for a reset (≤ 2 s).
TINY_LIMITS = "3/2"


async def test_429_waits_for_the_window_to_reset_then_succeeds(sdk: SDK, runtime: Runtime) -> None:
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    api = sdk(app=sdk.app_with(rate_limit_rules=TINY_LIMITS), token=member.token)
    for _ in range(7):
        me = await api(lambda c: c.current_account.get())
        assert me.id == member.account.id
    statuses = api.wire.statuses()
    assert 429 in statuses
    assert statuses.count(200) == 7


async def test_429_is_raised_when_retries_are_off_or_the_method_is_unsafe(
    sdk: SDK, runtime: Runtime
) -> None:
    operator = await create_account(runtime, operator=True)
    token = await create_token(runtime, operator)
    app = sdk.app_with(rate_limit_rules="1/3600")
    api = sdk(app=app, token=token, retry=RetryPolicy(retry_on_rate_limit=False))
    await api(lambda c: c.current_account.get())
    with pytest.raises(RateLimited) as limited:
        await api(lambda c: c.current_account.get())
    assert limited.value.retry_after is not None and 1 <= limited.value.retry_after <= 3600
    assert limited.value.code == "rate_limited"

    # A POST without an Idempotency-Key is never retried; nor is a wait past the time budget.
    api = sdk(app=app, token=token, retry=RetryPolicy(max_total_time=0.5))
    with pytest.raises(RateLimited):
        await api(lambda c: c.sites.create({"name": "Once"}))
    with pytest.raises(RateLimited):
        await api(lambda c: c.sites.get(1))
    assert api.wire.statuses() == [429, 429]


async def test_idempotent_post_is_retried_after_429(sdk: SDK, runtime: Runtime) -> None:
    operator = await create_account(runtime, operator=True)
    api = sdk(app=sdk.app_with(rate_limit_rules="1/1"), token=await create_token(runtime, operator))
    first = await api(lambda c: c.sites.create({"name": "A"}, idempotency_key="a"))
    second = await api(lambda c: c.sites.create({"name": "B"}, idempotency_key="b"))
    assert first.id != second.id
    # The second POST met the exhausted window at least once unless a reset fell in between.
    assert api.wire.statuses().count(201) == 2


async def test_maintenance_503_backs_off_then_gives_up(sdk: SDK, runtime: Runtime) -> None:
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    app = sdk.app_with(maintenance_mode=True)
    policy = RetryPolicy(max_attempts=3, backoff_base=0.01, backoff_max=0.02)
    api = sdk(app=app, token=member.token, retry=policy)
    with pytest.raises(ServiceUnavailable) as unavailable:
        await api(lambda c: c.current_account.get())
    assert unavailable.value.code == "maintenance"
    assert unavailable.value.retry_after == 300
    assert api.wire.statuses() == [503, 503, 503]

    # Unsafe methods are not retried at all.
    with pytest.raises(ServiceUnavailable):
        await api(lambda c: c.users.update(member.user.id, {"grade": "A"}))
    assert api.wire.statuses() == [503] * 4

    # The total-time bound stops retries before the attempt bound does.
    api = sdk(
        app=app,
        token=member.token,
        retry=RetryPolicy(max_attempts=50, max_total_time=0.2, backoff_base=0.05, backoff_max=0.1),
    )
    with pytest.raises(ServiceUnavailable):
        await api(lambda c: c.current_account.get())
    assert 2 <= len(api.wire.statuses()) < 50


async def test_gateway_errors_and_transport_failures_are_retried(
    sdk: SDK, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    api = sdk(token=member.token)
    api.wire.inject = [502, 504, httpx.ConnectError]
    me = await api(lambda c: c.current_account.get())
    assert me.id == member.account.id
    assert api.wire.statuses() == [502, 504, 0, 200]

    api.wire.inject = [502] * 10
    with pytest.raises(ServerError) as failed:
        await api(lambda c: c.current_account.get())
    assert failed.value.status == 502
    api.wire.inject = [httpx.ConnectError] * 10
    with pytest.raises(TransportError):
        await api(lambda c: c.current_account.get())
    api.wire.inject = []

    # 500 is a server bug, not a transient failure: no retry.
    api.wire.inject = [500]
    with pytest.raises(ServerError):
        await api(lambda c: c.current_account.get())
    assert api.wire.statuses()[-1] == 500 and api.wire.statuses()[-2] == 0


async def test_pacing_keeps_under_the_limit(sdk: SDK, runtime: Runtime) -> None:
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    api = sdk(
        app=sdk.app_with(rate_limit_rules=TINY_LIMITS),
        token=member.token,
        pace=True,
        retry=RetryPolicy(max_attempts=1),
    )
    for _ in range(7):
        await api(lambda c: c.current_account.get())
    assert api.wire.statuses() == [200] * 7
