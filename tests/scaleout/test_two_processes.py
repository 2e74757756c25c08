"""Two real server processes sharing one database and one Redis (issue 5, scale-out): a token
issued by one is accepted by the other, rate limits are counted exactly across both, and a
``lock_version`` race across both has exactly one winner."""

from __future__ import annotations

import asyncio
import base64
import time

import httpx
import pytest
from redis.asyncio import Redis

from refdesk.server.auth.service import create_application
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site, create_user
from tests.support.scaleout import Spawn, setup_game

pytestmark = pytest.mark.slow


def rate_rule(limit: int) -> str:
    """A one-hour-ish rule whose epoch-aligned window does not end within the next 10 minutes,
    so the whole test is counted in one window."""
    now = time.time()
    period = 3600
    while period - now % period < 600:
        period += 7
    return f"{limit}/{period}"


async def test_token_from_one_process_is_accepted_by_the_other(
    spawn: Spawn, runtime: Runtime
) -> None:
    first, second = await asyncio.gather(spawn(), spawn())
    site = await create_site(runtime)
    account = await create_account(runtime)
    user = await create_user(runtime, site, account, assignor=True)
    async with runtime.db.transaction() as session:
        created = await create_application(session, runtime.hasher, account.id, "scaleout")
    basic = base64.b64encode(
        f"{created.application.client_id}:{created.client_secret}".encode()
    ).decode()
    async with httpx.AsyncClient(timeout=30) as client:
        issued = await client.post(
            f"{first.base_url}/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        assert issued.status_code == 200, issued.text
        bearer = {"Authorization": f"Bearer {issued.json()['access_token']}"}
        for server in (second, first):
            me = await client.get(f"{server.base_url}/api/v2/users/{user.id}", headers=bearer)
            assert me.status_code == 200, me.text
            assert me.json()["id"] == user.id
        wrong = await client.get(
            f"{second.base_url}/api/v2/users/{user.id}",
            headers={"Authorization": "Bearer not-a-token-from-anyone"},
        )
        assert wrong.status_code == 401


async def test_rate_limit_counted_exactly_across_processes(
    spawn: Spawn, runtime: Runtime, redis_url: str
) -> None:
    rule = rate_rule(20)
    first, second = await asyncio.gather(
        spawn(REFDESK_RATE_LIMIT_RULES=rule), spawn(REFDESK_RATE_LIMIT_RULES=rule)
    )
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    # Account ids can repeat between runs on SQLite: forget this account's old counters.
    redis = Redis.from_url(redis_url)
    try:
        async for key in redis.scan_iter(match=f"refdesk:rl:{{account:{member.account.id}}}:*"):
            await redis.delete(key)
    finally:
        await redis.aclose()

    url = f"/api/v2/users/{member.user.id}"
    async with httpx.AsyncClient(timeout=30) as client:
        responses = await asyncio.gather(
            *(
                client.get(f"{server.base_url}{url}", headers=member.headers)
                for _ in range(30)
                for server in (first, second)
            )
        )
    statuses = [r.status_code for r in responses]
    assert sorted(set(statuses)) == [200, 429], statuses
    assert statuses.count(200) == 20
    assert statuses.count(429) == 40
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["X-Ratelimit-Remaining"] == "0"
    assert int(refused.headers["Retry-After"]) > 0


async def test_lock_version_race_has_one_winner_across_processes(
    spawn: Spawn, runtime: Runtime
) -> None:
    first, second = await asyncio.gather(spawn(), spawn())
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    async with httpx.AsyncClient(timeout=60) as client:
        game_id = await setup_game(client, first.base_url, assignor, site.id)
        for round_ in range(3):
            responses = await asyncio.gather(
                *(
                    client.put(
                        f"{server.base_url}/api/v2/games/{game_id}",
                        json={"external_id": f"{round_}-{n}-{i}", "lock_version": round_},
                        headers=assignor.headers,
                    )
                    for n in range(6)
                    for i, server in enumerate((first, second))
                )
            )
            statuses = [r.status_code for r in responses]
            assert statuses.count(200) == 1, [(r.status_code, r.text) for r in responses]
            others = [(r.status_code, r.text) for r in responses if r.status_code not in (200, 409)]
            assert statuses.count(409) == len(statuses) - 1, others
            winner = next(r for r in responses if r.status_code == 200).json()
            assert winner["lock_version"] == round_ + 1
            for loser in (r for r in responses if r.status_code == 409):
                assert loser.json()["lock_version"] == round_ + 1
            stored = await client.get(
                f"{second.base_url}/api/v2/games/{game_id}", headers=assignor.headers
            )
            assert stored.json()["external_id"] == winner["external_id"]
            assert stored.json()["lock_version"] == round_ + 1
