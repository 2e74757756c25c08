"""Rate limiting through HTTP with the in-process store (contract §8, §2.6, §5; §20 items 33-37)."""

from __future__ import annotations

import math
import re
import time

import httpx
from fastapi import FastAPI

from tests.factories import create_account, create_token
from tests.support.app import client_for
from tests.support.oauth import PASSWORD
from tests.support.ratelimit import Build, ietf, rl, wait_inside_windows
from tests.support.web import sign_in

RL_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-period",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-ratelimit-reset-seconds-remaining",
    "ratelimit-policy",
    "ratelimit",
)


async def test_first_request_headers_follow_the_clock(build: Build) -> None:
    _, app = await build(rate_limit_rules="3/60,5/300")
    await wait_inside_windows((60, 300), margin=2.0)
    async with client_for(app) as client:
        before = time.time()
        resp = await client.get("/api/v2")
        after = time.time()
    assert resp.status_code == 200
    limit, period, remaining, reset, seconds = rl(resp)
    assert (limit, period, remaining) == (3, 60, 2)
    assert reset % 60 == 0
    assert (math.floor(before / 60) + 1) * 60 <= reset <= (math.floor(after / 60) + 1) * 60
    assert 1 <= seconds <= 60
    assert math.ceil(reset - after) <= seconds <= math.ceil(reset - before)
    assert resp.headers["ratelimit-policy"] == '"w60";q=3;w=60, "w300";q=5;w=300'
    assert re.fullmatch(r'"w60";r=2;t=\d+, "w300";r=4;t=\d+', resp.headers["ratelimit"])
    fields = ietf(resp)
    assert fields["w60"][1] == seconds
    t300 = fields["w300"][1]
    assert 1 <= t300 <= 300
    reset300 = (math.floor(before / 300) + 1) * 300
    assert math.ceil(reset300 - after) <= t300 <= math.ceil(reset300 - before)
    assert "retry-after" not in resp.headers


async def test_default_rules(build: Build) -> None:
    _, app = await build()
    async with client_for(app) as client:
        resp = await client.get("/api/v2")
    assert rl(resp)[:3] == (180, 60, 179)
    assert resp.headers["ratelimit-policy"] == (
        '"w60";q=180;w=60, "w300";q=500;w=300, "w3600";q=5000;w=3600'
    )
    assert re.fullmatch(
        r'"w60";r=179;t=\d+, "w300";r=499;t=\d+, "w3600";r=4999;t=\d+',
        resp.headers["ratelimit"],
    )


async def test_429_after_the_limit_and_rejections_consume_nothing(build: Build) -> None:
    _, app = await build(rate_limit_rules="3/60,5/300")
    await wait_inside_windows((60, 300))
    async with client_for(app) as client:
        admitted = [await client.get("/api/v2") for _ in range(3)]
        assert [r.status_code for r in admitted] == [200, 200, 200]
        assert [rl(r)[2] for r in admitted] == [2, 1, 0]
        assert [ietf(r)["w300"][0] for r in admitted] == [4, 3, 2]
        rejected = [await client.get("/api/v2") for _ in range(4)]
    for resp in rejected:
        assert resp.status_code == 429
        limit, period, remaining, reset, seconds = rl(resp)
        assert (limit, period, remaining) == (3, 60, 0)
        assert reset % 60 == 0 and 1 <= seconds <= 60
        assert resp.headers["retry-after"] == str(seconds)
        body = resp.json()
        assert body["error"] == "rate_limited"
        assert body["status"] == 429
        assert body["title"] == "Too many requests"
        assert body["retry_after"] == seconds
        assert body["type"].endswith("/problems/rate_limited")
        assert body["message"] == body["detail"]
        # Rejected requests count nowhere: the 300 s rule still has 2 left.
        assert ietf(resp) == {"w60": (0, seconds), "w300": (2, ietf(resp)["w300"][1])}


async def test_tie_goes_to_the_rule_resetting_last(build: Build) -> None:
    _, app = await build(rate_limit_rules="2/60,2/300")
    await wait_inside_windows((60, 300))
    async with client_for(app) as client:
        first = await client.get("/api/v2")
        second = await client.get("/api/v2")
        third = await client.get("/api/v2")
    # After the first request both rules have 1 left: the 300 s window resets last.
    assert rl(first)[:3] == (2, 300, 1)
    assert rl(second)[:3] == (2, 300, 0)
    assert rl(second)[3] % 300 == 0
    assert third.status_code == 429
    assert rl(third)[:3] == (2, 300, 0)
    assert third.headers["retry-after"] == str(rl(third)[4])
    assert third.json()["retry_after"] == rl(third)[4] == ietf(third)["w300"][1]


async def test_tokens_of_one_account_share_a_budget(build: Build) -> None:
    rt, app = await build(rate_limit_rules="3/3600,10/7200")
    account = await create_account(rt)
    other = await create_account(rt)
    token_a, token_b = await create_token(rt, account), await create_token(rt, account)
    token_other = await create_token(rt, other)
    await wait_inside_windows((3600, 7200))

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async with client_for(app) as client:
        statuses = []
        for token in (token_a, token_b, token_a, token_b, token_a):
            resp = await client.get("/api/v2/current_account", headers=bearer(token))
            statuses.append((resp.status_code, rl(resp)[2]))
        assert statuses == [(200, 2), (200, 1), (200, 0), (429, 0), (429, 0)]
        # Another account, and unauthenticated or invalid-token requests (keyed by client
        # IP), have budgets of their own.
        resp = await client.get("/api/v2/current_account", headers=bearer(token_other))
        assert (resp.status_code, rl(resp)[2]) == (200, 2)
        resp = await client.get("/api/v2/current_account")
        assert (resp.status_code, rl(resp)[2]) == (401, 2)
        resp = await client.get("/api/v2/current_account", headers=bearer("f" * 64))
        assert (resp.status_code, rl(resp)[2]) == (401, 1)
        # OAuth endpoints are keyed by client IP even with a valid token (§20 item 35).
        resp = await client.post("/oauth/revoke", headers=bearer(token_a))
        assert resp.status_code != 429
        assert rl(resp)[2] == 0
        resp = await client.post("/oauth/revoke", headers=bearer(token_a))
        assert resp.status_code == 429


async def test_client_ip_and_trusted_proxies(build: Build) -> None:
    _, app = await build(rate_limit_rules="2/3600,10/7200", trusted_proxies="10.0.0.0/8")
    await wait_inside_windows((3600, 7200))

    def via(peer: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(peer, 123)),
            base_url="https://testserver",
        )

    async with via("10.0.0.1") as proxy, via("192.0.2.7") as direct, via("10.9.9.9") as proxy2:
        # Behind the trusted proxy: the right-most X-Forwarded-For address that is not a proxy.
        xff = {"X-Forwarded-For": "198.51.100.1, 203.0.113.5, 10.0.0.2"}
        assert [(await proxy.get("/api/v2", headers=xff)).status_code for _ in range(3)] == [
            200,
            200,
            429,
        ]
        # The same client through another trusted proxy shares that budget ...
        same = await proxy2.get("/api/v2", headers={"X-Forwarded-For": "203.0.113.5"})
        assert same.status_code == 429
        # ... a different forwarded client has its own.
        fresh = await proxy.get("/api/v2", headers={"X-Forwarded-For": "203.0.113.6"})
        assert (fresh.status_code, rl(fresh)[2]) == (200, 1)
        # The proxy's own requests without X-Forwarded-For count against the proxy address.
        bare = await proxy.get("/api/v2")
        assert (bare.status_code, rl(bare)[2]) == (200, 1)
        # From an untrusted peer X-Forwarded-For is ignored: keyed by the peer itself.
        spoof = await direct.get("/api/v2", headers={"X-Forwarded-For": "203.0.113.99"})
        assert (spoof.status_code, rl(spoof)[2]) == (200, 1)
        spoof = await direct.get("/api/v2", headers={"X-Forwarded-For": "203.0.113.5"})
        assert (spoof.status_code, rl(spoof)[2]) == (200, 0)
        spoof = await direct.get("/api/v2", headers={"X-Forwarded-For": "198.51.100.77"})
        assert spoof.status_code == 429


async def test_every_response_carries_the_headers_and_counts(build: Build) -> None:
    _, app = await build(rate_limit_rules="100/3600,200/7200", force_https=True)
    _, maintenance_app = await build(rate_limit_rules="100/3600", maintenance_mode=True)

    async def boom() -> None:
        raise RuntimeError("kaboom")

    api: FastAPI = app.api
    api.add_api_route("/api/v2/_test_boom", boom, methods=["GET"])
    await wait_inside_windows((3600, 7200))
    responses: list[httpx.Response] = []
    async with client_for(app) as client, client_for(maintenance_app) as down:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
            base_url="http://testserver",
        ) as plain:
            responses.append(await plain.get("/api/v2/sites?page=2"))
            assert responses[-1].status_code == 302
        responses.append(await client.get("/api/v2/current_account"))
        assert responses[-1].status_code == 401
        responses.append(await client.get("/api/v2/no/such/thing"))
        assert responses[-1].status_code == 404
        responses.append(await client.post("/api/v2"))
        assert responses[-1].status_code == 405
        responses.append(await client.get("/api/v2", headers={"Accept": "text/csv"}))
        assert responses[-1].status_code == 406
        responses.append(await client.options("/api/v2"))
        assert responses[-1].status_code == 204
        responses.append(await client.head("/api/v2"))
        assert responses[-1].status_code == 200
        responses.append(await client.get("/api/v2/_test_boom"))
        assert responses[-1].status_code == 500
        assert responses[-1].json()["error"] == "internal_error"
        maintenance = await down.get("/api/v2")
        assert maintenance.status_code == 503
        assert maintenance.json()["error"] == "maintenance"
        health = await client.get("/healthz")
    for resp in [*responses, maintenance]:
        for name in RL_HEADERS:
            assert name in resp.headers, (resp.status_code, name)
    # Every admitted request counted, whatever its status (§20 item 33); /healthz did not.
    assert [rl(r)[2] for r in responses] == list(range(99, 99 - len(responses), -1))
    assert rl(maintenance)[2] == 99
    assert health.status_code == 200
    assert not any(name in health.headers for name in RL_HEADERS)


async def test_the_web_app_counts_a_signed_in_browser_against_its_account(build: Build) -> None:
    """Two people signed in behind one address have a budget each; the account's budget is
    the one its API tokens use; visitors and the contract's per-IP paths stay keyed by IP."""
    rt, app = await build(rate_limit_rules="6/3600,20/7200")
    first = await create_account(rt, password=PASSWORD)
    second = await create_account(rt, password=PASSWORD)
    token = await create_token(rt, first)
    await wait_inside_windows((3600, 7200))
    async with client_for(app) as kim, client_for(app) as lee, client_for(app) as visitor:
        # signing in is a visitor's work: 2 requests each, against the shared IP
        assert (await sign_in(kim, first.login)).status_code == 303
        assert (await sign_in(lee, second.login)).status_code == 303
        ip_left = rl(await visitor.get("/"))[2]
        assert ip_left == 6 - 5
        # signed in: the account's budget, not the address's
        seen = [rl(await kim.get("/"))[2] for _ in range(3)]
        assert seen == [5, 4, 3]
        assert rl(await lee.get("/"))[2] == 5
        assert rl(await lee.get("/static/refdesk.css"))[2] == 4
        # the same budget as the account's API token
        api = await kim.get("/api/v2/current_account", headers={"Authorization": f"Bearer {token}"})
        assert rl(api)[2] == 2
        assert [(await kim.get("/")).status_code for _ in range(3)] == [200, 200, 429]
        assert (await lee.get("/")).status_code == 200
        # a forged cookie is a visitor: the address's budget (one left, then none)
        forged = {"refdesk_session": kim.cookies["refdesk_session"] + "0"}
        async with client_for(app, cookies=forged) as forger:
            assert rl(await forger.get("/"))[2] == 0
            assert (await forger.get("/")).status_code == 429
        # OAuth endpoints stay keyed by IP even for a signed-in browser (§8.3)
        assert (await kim.post("/oauth/revoke")).status_code == 429
