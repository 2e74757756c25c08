"""Transport rules: HTTPS behind trusted proxies, request ids, CORS, unreachable database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from starlette.routing import Match

from refdesk.server.app import create_app
from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.app import client_for, make_settings


async def test_forwarded_proto_only_from_trusted_proxies(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(
        tmp_path, database_url, trusted_proxies="10.0.0.0/8", public_base_url=None
    )
    runtime = Runtime.build(settings)
    app = create_app(runtime=runtime)
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "refs.example.org"}
    trusted = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("10.1.2.3", 4000)),
        base_url="http://internal:8000",
    )
    untrusted = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("192.0.2.7", 4000)),
        base_url="http://internal:8000",
    )
    async with trusted, untrusted:
        root = await trusted.get("/v2", headers=headers)
        assert root.status_code == 200
        assert (
            root.json()["_links"]["sites"]["href"] == "https://refs.example.org/api/v2/sites.json"
        )
        assert root.headers["strict-transport-security"] == "max-age=31536000"
        redirected = await untrusted.get("/v2//sites/?page=2&x=%2F", headers=headers)
        assert redirected.status_code == 302
        assert redirected.headers["location"] == "https://internal:8000/v2//sites/?page=2&x=%2F"
        assert redirected.json() == {}
        assert "x-ratelimit-remaining" in redirected.headers
        health = await untrusted.get("/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        assert "x-ratelimit-limit" not in health.headers
    await runtime.db.dispose()


async def test_request_id_echo_and_cors(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, cors_allowed_origins="https://app.example.org")
    runtime = Runtime.build(settings)
    async with client_for(create_app(runtime=runtime)) as client:
        echoed = await client.get("/api/v2", headers={"X-Request-Id": "abc-123.x_y"})
        assert echoed.headers["x-request-id"] == "abc-123.x_y"
        generated = await client.get("/api/v2", headers={"X-Request-Id": "bad id!"})
        assert len(generated.headers["x-request-id"]) == 36
        assert generated.headers["cache-control"] == "no-store"
        assert generated.headers["vary"] == "Accept, Authorization"
        preflight = await client.options(
            "/api/v2/sites", headers={"Origin": "https://app.example.org"}
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "https://app.example.org"
        assert "Idempotency-Key" in preflight.headers["access-control-allow-headers"]
        assert preflight.headers["access-control-max-age"] == "600"
        assert "GET" in preflight.headers["access-control-allow-methods"]
        other = await client.get("/api/v2", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
    await runtime.db.dispose()


async def test_unreachable_database_is_503_not_500(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, "postgresql+asyncpg://postgres@127.0.0.1:1/nothing", unavailable_retry_after=7
    )
    runtime = Runtime.build(settings)
    async with client_for(create_app(runtime=runtime)) as client:
        resp = await client.get(
            "/api/v2/current_account", headers={"Authorization": "Bearer " + "a" * 64}
        )
        assert resp.status_code == 503
        assert resp.headers["retry-after"] == "7"
        assert resp.json()["error"] == "service_unavailable"
        assert "x-ratelimit-limit" in resp.headers
        health = await client.get("/healthz")
        assert health.status_code == 503 and health.json() == {"status": "unavailable"}
    await runtime.db.dispose()


async def test_head_and_options_need_no_body(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    head = await client.head(f"/api/v2/sites/{site.id}", headers=member.headers)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("application/vnd.assignr.v2.hal+json")
    options = await client.options(f"/api/v2/sites/{site.id}")
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
    not_allowed = await client.post(f"/api/v2/sites/{site.id}", headers=member.headers)
    assert not_allowed.status_code == 405
    assert not_allowed.headers["allow"] == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
    assert not_allowed.json()["error"] == "method_not_allowed"


def _leaf_routes(routes: Any) -> Iterator[Any]:
    for route in routes:
        if hasattr(route, "original_router"):  # an included router
            yield from _leaf_routes(route.original_router.routes)
        elif hasattr(route, "endpoint"):
            yield route


def test_no_two_routes_answer_the_same_request(runtime: Runtime) -> None:
    """Every (method, path) is served by exactly one route, so the order in which routers are
    included (busiest first, for speed) decides nothing."""
    api = create_app(runtime=runtime).api  # type: ignore[attr-defined]
    leaves = list(_leaf_routes(api.router.routes))
    assert len(leaves) > 100
    checked = 0
    for route in leaves:
        path = re.sub(r"\{[^}:]+:int\}", "7", re.sub(r"\{[^}:]+\}", "abc", route.path))
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            scope = {"type": "http", "path": path, "method": method, "root_path": ""}
            serving = [r.name for r in leaves if r.matches(dict(scope))[0] == Match.FULL]
            assert serving == [route.name], (method, path, serving)
            checked += 1
    assert checked > 150
