"""The principal cache across processes (issue 15, lever 1): two app instances (two Runtimes,
two apps, each with its lifespan running: its own database engine, cache and Redis
subscription) share the database and Redis. A token cached on B and changed through A fails on
B on the very next request; a lost subscription never serves stale principals."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import update

from refdesk.server.accounts.service import set_account_flags
from refdesk.server.app import create_app
from refdesk.server.auth.models import AccessToken
from refdesk.server.auth.token_bus import EPOCH_KEY
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_token
from tests.support.app import client_for, make_settings
from tests.support.oauth import PASSWORD, make_app
from tests.support.queries import counting
from tests.support.tokens import (
    ACCOUNT,
    APPLICATIONS,
    bearer,
    client_auth,
    client_token,
    status,
    write_status,
)
from tests.support.web import signed_in_client
from tests.support.web_account import submit_and_follow, token_of


@dataclass
class Instance:
    runtime: Runtime
    client: httpx.AsyncClient


async def until(condition: Any) -> None:
    """Wait (a bounded number of turns of the loop) for a background task to get somewhere."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def pair(
    tmp_path: Path, database_url: str, redis_url: str, runtime: Runtime, redis: Redis
) -> AsyncIterator[tuple[Instance, Instance]]:
    """Instances A and B (``runtime`` has emptied the tables)."""
    async with AsyncExitStack() as stack:
        made = []
        for name in ("a", "b"):
            settings = make_settings(tmp_path / name, database_url, redis_url=redis_url)
            rt = Runtime.build(settings)
            app: Any = create_app(runtime=rt)
            await stack.enter_async_context(app.api.router.lifespan_context(app.api))
            client = await stack.enter_async_context(client_for(app))
            made.append(Instance(rt, client))
        a, b = made
        await until(lambda: a.runtime.tokens.cache.live and b.runtime.tokens.cache.live)
        yield a, b


async def cached_on(b: Instance, token: str) -> None:
    """A read on B, then a second one answered from B's cache: one statement fewer."""
    with counting(b.runtime) as first:
        assert await status(b.client, token) == 200
    with counting(b.runtime) as second:
        assert await status(b.client, token) == 200
    assert len(second) == len(first) - 1


async def test_revoked_through_a_fails_on_b(
    pair: tuple[Instance, Instance], runtime: Runtime
) -> None:
    a, b = pair
    owner = await create_account(runtime)
    app = await make_app(runtime, owner)
    token, other = await client_token(a.client, app), await client_token(a.client, app)
    await cached_on(b, token)
    await cached_on(b, other)
    answer = await a.client.post("/oauth/revoke", data={"token": token}, headers=client_auth(app))
    assert answer.status_code == 200
    assert await status(b.client, token) == 401
    assert await status(b.client, other) == 200


async def test_scope_cut_through_a_binds_on_b(
    pair: tuple[Instance, Instance], runtime: Runtime
) -> None:
    a, b = pair
    owner = await create_account(runtime)
    manage = await create_token(runtime, owner)
    app = await make_app(runtime, owner, scopes="read write")
    token = await client_token(a.client, app)
    await cached_on(b, token)
    assert await write_status(b.client, token) == 200
    path = f"{APPLICATIONS}/{app.application.id}"
    cut = await a.client.put(path, json={"application": {"scopes": "read"}}, headers=bearer(manage))
    assert cut.status_code == 200, cut.text
    assert await write_status(b.client, token) == 403


async def test_account_deactivated_through_a_fails_on_b(
    pair: tuple[Instance, Instance], runtime: Runtime
) -> None:
    a, b = pair
    account = await create_account(runtime)
    token = await create_token(runtime, account)
    await cached_on(b, token)
    async with a.runtime.db.transaction() as session:
        await set_account_flags(session, account.id, active=False)
    assert await status(b.client, token) == 401


async def test_connected_application_revoked_on_a_fails_on_b(
    pair: tuple[Instance, Instance], runtime: Runtime
) -> None:
    a, b = pair
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    app = await make_app(runtime, owner)
    token = await token_of(runtime, app.application.id, person)
    await cached_on(b, token)
    await signed_in_client(a.client, person.login)
    await submit_and_follow(a.client, f"/account/applications/{app.application.id}/revoke", {})
    assert await status(b.client, token) == 401


async def test_password_change_on_a(pair: tuple[Instance, Instance], runtime: Runtime) -> None:
    """A password change ends browser sessions, not API tokens (contract §6.2): B answers as
    its database does, cached or not."""
    a, b = pair
    account = await create_account(runtime, password=PASSWORD)
    token = await create_token(runtime, account)
    await cached_on(b, token)
    change = {"account": {"password": "another password 1", "current_password": PASSWORD}}
    assert (await a.client.put(ACCOUNT, json=change, headers=bearer(token))).status_code == 200
    assert await status(b.client, token) == 200
    b.runtime.tokens.cache.clear()
    assert await status(b.client, token) == 200


async def test_a_missed_invalidation_is_caught_by_the_count(
    pair: tuple[Instance, Instance], runtime: Runtime, redis: Redis
) -> None:
    """A revocation whose message never reached B (written behind the app's back and counted
    in the store, as a lost message would leave it): B's next admission reads the store's
    count, finds its cache behind and reads the database instead."""
    _, b = pair
    account = await create_account(runtime)
    token = await create_token(runtime, account)
    await cached_on(b, token)
    async with runtime.db.transaction() as session:
        await session.execute(
            update(AccessToken)
            .where(AccessToken.account_id == account.id)
            .values(revoked_at=AccessToken.created)
        )
    await redis.incr(EPOCH_KEY)
    assert await status(b.client, token) == 401


async def test_a_lost_subscription_serves_nothing_stale(
    pair: tuple[Instance, Instance], runtime: Runtime, redis: Redis
) -> None:
    """B's subscription is cut (Redis drops its connection): B's cache is off until it has
    subscribed again — a revocation through A in between fails on B — and serves again after."""
    a, b = pair
    owner = await create_account(runtime)
    app = await make_app(runtime, owner)
    token, other = await client_token(a.client, app), await client_token(a.client, app)
    await cached_on(b, token)
    bus = b.runtime.tokens
    for client_id in await _client_ids(redis, bus.name):
        await redis.execute_command("CLIENT", "KILL", "ID", client_id)
    await until(lambda: not bus.cache.live)
    answer = await a.client.post("/oauth/revoke", data={"token": token}, headers=client_auth(app))
    assert answer.status_code == 200
    assert await status(b.client, token) == 401
    await until(lambda: bus.cache.live)
    assert await status(b.client, token) == 401
    await cached_on(b, other)


async def _client_ids(redis: Redis, name: str) -> list[int]:
    """B's subscriber connections (they carry its name)."""
    ids = [int(c["id"]) for c in await redis.client_list() if c.get("name") == name]
    assert ids
    return ids


async def test_b_applies_the_message_from_a_without_a_request(
    pair: tuple[Instance, Instance], runtime: Runtime, redis: Redis
) -> None:
    """Pub/sub itself: B's subscriber drops exactly the revoked token's entry (the other
    stays) and counts the invalidation, before B is asked anything."""
    a, b = pair
    owner = await create_account(runtime)
    app = await make_app(runtime, owner)
    token, other = await client_token(a.client, app), await client_token(a.client, app)
    await cached_on(b, token)
    await cached_on(b, other)
    cache = b.runtime.tokens.cache
    assert len(cache) == 2
    answer = await a.client.post("/oauth/revoke", data={"token": token}, headers=client_auth(app))
    assert answer.status_code == 200
    counted = int(await redis.get(EPOCH_KEY) or 0)
    assert counted >= 1
    await until(lambda: cache.epoch == counted)
    assert len(cache) == 1
    hits = cache.hits
    assert await status(b.client, other) == 200
    assert cache.hits == hits + 1
