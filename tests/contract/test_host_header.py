"""Issue 9, hole 10: a hostile ``Host`` header does not steer the HTTPS redirect or the links,
and no log line holds a secret a client put in the query string."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from refdesk.server.app import create_app
from refdesk.server.runtime import Runtime
from tests.support.app import client_for, make_settings

EVIL = {"Host": "evil.example"}


async def test_hole_10_redirect_goes_to_the_public_base_url_whatever_the_host(
    tmp_path: Path, database_url: str
) -> None:
    settings = make_settings(tmp_path, database_url, public_base_url="https://refs.example.org")
    runtime = Runtime.build(settings)
    async with client_for(create_app(runtime=runtime), base_url="http://internal:8080") as plain:
        moved = await plain.get("/v2//sites/?page=2&x=%2F", headers=EVIL)
        assert moved.status_code == 302
        assert moved.headers["location"] == "https://refs.example.org/v2//sites/?page=2&x=%2F"
        assert moved.json() == {}
    async with client_for(create_app(runtime=runtime)) as client:
        root = await client.get("/api/v2", headers=EVIL)
        assert root.json()["_links"]["sites"]["href"] == (
            "https://refs.example.org/api/v2/sites.json"
        )
    await runtime.db.dispose()


async def test_hole_10_allowed_hosts_refuses_any_other_host(
    tmp_path: Path, database_url: str
) -> None:
    settings = make_settings(
        tmp_path,
        database_url,
        allowed_hosts="refs.example.org, *.example.net",
        trusted_proxies="10.0.0.0/8",
    )
    runtime = Runtime.build(settings)
    app = create_app(runtime=runtime)
    proxy = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("10.1.2.3", 4000)),
        base_url="http://refs.example.org",
    )
    async with client_for(app, base_url="http://refs.example.org:8080") as plain, proxy:
        refused = await plain.get("/api/v2/sites?page=2", headers=EVIL)
        assert refused.status_code == 400
        body = refused.json()
        assert body["error"] == "bad_request" and body["status"] == 400
        assert "location" not in refused.headers
        assert "evil" not in refused.text
        moved = await plain.get("/api/v2/sites?page=2")
        assert moved.status_code == 302
        assert moved.headers["location"] == "https://refs.example.org:8080/api/v2/sites?page=2"
        sub = await plain.get("/api/v2", headers={"Host": "a.Example.NET"})
        assert sub.headers["location"] == "https://a.Example.NET/api/v2"
        apex = await plain.get("/api/v2", headers={"Host": "example.net"})
        assert apex.status_code == 400
        # Load balancers probe by address: the health check answers whatever the host.
        health = await plain.get("/healthz", headers=EVIL)
        assert health.status_code == 200
        # A trusted proxy's X-Forwarded-Host is checked the same way.
        forwarded = {"X-Forwarded-Proto": "https"}
        bad = await proxy.get("/api/v2", headers={**forwarded, "X-Forwarded-Host": "evil.example"})
        assert bad.status_code == 400
        good = await proxy.get("/api/v2", headers=forwarded)
        assert good.json()["_links"]["sites"]["href"] == (
            "https://refs.example.org/api/v2/sites.json"
        )
    await runtime.db.dispose()


async def test_hole_10_incident_log_names_the_query_without_its_secrets(
    app: Any, client: httpx.AsyncClient, runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom() -> None:
        raise RuntimeError("bad form client_secret=TOPSECRET1x {'password': 'TOPSECRET2x'}")

    app.api.add_api_route("/api/v2/boom", boom, methods=["GET"])
    with caplog.at_level(logging.ERROR, logger="refdesk"):
        resp = await client.get(
            "/api/v2/boom?access_token=TOPSECRET3x&code=TOPSECRET4x&page=2",
            headers={"Authorization": "Bearer TOPSECRET5x"},
        )
    assert resp.status_code == 500
    incident = resp.json()["incident"]
    text = caplog.text
    assert f"incident {incident}" in text, text
    assert "/api/v2/boom?access_token=REDACTED&code=REDACTED&page=2" in text, text
    assert "Traceback" in text and "client_secret=REDACTED" in text, text
    for n in range(1, 6):
        assert f"TOPSECRET{n}x" not in text, text
