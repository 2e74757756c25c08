"""Contract §2, §3 and §4: every status code the contract names, with its headers and the full
error body, through HTTP and the whole middleware stack."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from refdesk.server.app import create_app
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site, create_token
from tests.support.app import client_for, make_settings

VENDOR_CT = "application/vnd.assignr.v2.hal+json; charset=utf-8"
JSON_CT = "application/json; charset=utf-8"
PROBLEM_CT = "application/problem+json; charset=utf-8"
RATE_LIMIT_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-period",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-ratelimit-reset-seconds-remaining",
)
TITLES = {  # contract §4.3, written out independently of the implementation
    "bad_request": "Bad request",
    "invalid_token": "Invalid access token",
    "payment_required": "Subscription inactive",
    "forbidden": "Forbidden",
    "insufficient_scope": "Insufficient scope",
    "not_found": "Not found",
    "method_not_allowed": "Method not allowed",
    "not_acceptable": "Not acceptable",
    "stale_lock_version": "Stale lock version",
    "idempotency_key_in_use": "Request in progress",
    "unsupported_media_type": "Unsupported media type",
    "validation_failed": "Validation failed",
    "idempotency_key_reused": "Idempotency key reused",
    "rate_limited": "Too many requests",
    "internal_error": "Internal server error",
    "maintenance": "Down for maintenance",
    "service_unavailable": "Service unavailable",
}
INVALID_TOKEN_CHALLENGE = (
    'Bearer realm="refdesk", error="invalid_token", '
    'error_description="The access token is invalid or has expired"'
)


def assert_common_headers(resp: httpx.Response, *, api: bool = True) -> None:
    request_id = resp.headers["x-request-id"]
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,200}", request_id)
    for name in RATE_LIMIT_HEADERS:
        assert resp.headers[name].isdigit(), name
    if api:
        assert resp.headers["cache-control"] == "no-store"
        assert resp.headers["vary"] == "Accept, Authorization"


def assert_error(
    resp: httpx.Response,
    status: int,
    code: str,
    *,
    content_type: str = VENDOR_CT,
    message: str | None = None,
    api: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """The response is ``status`` with exactly the §4.2 members (plus ``extra``)."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == content_type
    body: dict[str, Any] = resp.json()
    assert isinstance(body["message"], str) and body["message"]
    if message is not None:
        assert body["message"] == message
    assert body == {
        "error": code,
        "message": body["message"],
        "type": f"https://testserver/problems/{code}",
        "title": TITLES[code],
        "status": status,
        "detail": body["message"],
        **extra,
    }
    assert_common_headers(resp, api=api)
    return body


@asynccontextmanager
async def client_with(
    tmp_path: Path, database_url: str, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A client for an app built with changed settings (its own runtime, disposed after)."""
    rt = Runtime.build(make_settings(tmp_path, database_url, **overrides))
    try:
        async with client_for(create_app(runtime=rt)) as client:
            yield client
    finally:
        await rt.db.dispose()


async def operator_headers(runtime: Runtime, scopes: str = "read write") -> dict[str, str]:
    account = await create_account(runtime, operator=True)
    return {"Authorization": f"Bearer {await create_token(runtime, account, scopes)}"}


# --- 2xx ----------------------------------------------------------------------------------


async def test_200_get(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    member = await create_member(runtime, site, assignor=True)
    resp = await client.get("/api/v2/sites", headers={**member.headers, "X-Request-Id": "abc.1"})
    assert resp.status_code == 200
    assert resp.headers["content-type"] == VENDOR_CT
    assert resp.headers["x-request-id"] == "abc.1"
    assert resp.headers["strict-transport-security"] == "max-age=31536000"
    assert resp.headers["ratelimit-policy"]
    assert resp.headers["ratelimit"]
    assert_common_headers(resp)
    assert resp.json()["_embedded"]["sites"][0]["id"] == site.id
    plain = await client.get(
        "/api/v2/sites", headers={**member.headers, "Accept": "application/json"}
    )
    assert plain.headers["content-type"] == JSON_CT
    generated = await client.get(
        "/api/v2/sites", headers={**member.headers, "X-Request-Id": "no way"}
    )
    assert uuid.UUID(generated.headers["x-request-id"])


async def test_201_created_with_location(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = await operator_headers(runtime)
    resp = await client.post("/api/v2/sites", json={"site": {"name": "New"}}, headers=headers)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert resp.headers["location"] == body["_links"]["self"]["href"]
    assert resp.headers["location"] == f"https://testserver/api/v2/sites/{body['id']}.json"
    assert resp.headers["content-type"] == VENDOR_CT
    assert_common_headers(resp)


async def test_204_delete_has_no_body(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    headers = await operator_headers(runtime)
    resp = await client.delete(f"/api/v2/sites/{site.id}", headers=headers)
    assert resp.status_code == 204
    assert resp.content == b""
    assert "content-type" not in resp.headers
    assert_common_headers(resp)
    gone = await client.get(f"/api/v2/sites/{site.id}", headers=headers)
    assert_error(gone, 404, "not_found")


async def test_204_options_with_allow(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    resp = await client.options(f"/api/v2/sites/{site.id}")  # no authentication needed
    assert resp.status_code == 204
    assert resp.content == b""
    assert resp.headers["allow"] == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
    collection = await client.options("/v2/sites.json")
    assert collection.status_code == 204
    assert collection.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    unknown = await client.options("/api/v2/nothing")
    assert_error(unknown, 404, "not_found")


async def test_head_is_get_without_body(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    member = await create_member(runtime, site, assignor=True)
    get = await client.get(f"/api/v2/sites/{site.id}", headers=member.headers)
    head = await client.head(f"/api/v2/sites/{site.id}", headers=member.headers)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"]
    assert_common_headers(head)
    unauthenticated = await client.head(f"/api/v2/sites/{site.id}")
    assert unauthenticated.status_code == 401
    assert unauthenticated.content == b""


# --- 302 ----------------------------------------------------------------------------------


async def test_302_plain_http_redirects(app: Any) -> None:
    async with client_for(app, base_url="http://testserver") as plain:
        resp = await plain.post("/v2//sites/?b=2&a=%20", json={"name": "x"})
        assert resp.status_code == 302
        assert resp.headers["location"] == "https://testserver/v2//sites/?b=2&a=%20"
        assert resp.json() == {}
        assert resp.headers["content-type"] == JSON_CT
        assert "strict-transport-security" not in resp.headers
        oauth = await plain.get("/oauth/authorize")
        assert oauth.status_code == 302
        assert oauth.headers["location"] == "https://testserver/oauth/authorize"
        health = await plain.get("/healthz")
        assert health.status_code == 200


# --- 4xx ----------------------------------------------------------------------------------


async def test_400_undecodable_bodies(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = await operator_headers(runtime)
    for content, content_type in (
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'"text"', "application/vnd.assignr.v2.hal+json"),
        (b"\xff\xfe{}", "application/json"),
    ):
        resp = await client.post(
            "/api/v2/sites", content=content, headers={**headers, "Content-Type": content_type}
        )
        assert_error(resp, 400, "bad_request")


async def test_400_nul_characters(client: httpx.AsyncClient, runtime: Runtime) -> None:
    """PostgreSQL text cannot store NUL; it is refused up front on every backend."""
    headers = await operator_headers(runtime)
    site = await create_site(runtime)
    for content, content_type in (
        (b'{"name": "a\\u0000b"}', "application/json"),
        (b'{"site": {"sports": ["\\u0000"]}}', "application/json"),
        (b"name=a%00b", "application/x-www-form-urlencoded"),
    ):
        resp = await client.put(
            f"/api/v2/sites/{site.id}",
            content=content,
            headers={**headers, "Content-Type": content_type},
        )
        assert_error(
            resp, 400, "bad_request", message="The request body must not contain NUL characters"
        )
    query = await client.get("/api/v2/sites?search[name]=a%00b", headers=headers)
    assert_error(
        query, 400, "bad_request", message="The query string must not contain NUL characters"
    )
    account = await client.put(
        "/api/v2/current_account", json={"first_name": "\x00"}, headers=headers
    )
    assert_error(account, 400, "bad_request")


async def test_400_body_too_large(runtime: Runtime, tmp_path: Path, database_url: str) -> None:
    headers = await operator_headers(runtime)
    async with client_with(tmp_path, database_url, max_body_bytes=64) as client:
        small = await client.post("/api/v2/sites", json={"name": "ok"}, headers=headers)
        assert small.status_code == 201
        resp = await client.post("/api/v2/sites", json={"name": "x" * 100}, headers=headers)
        assert_error(resp, 400, "bad_request", message="The request body is larger than 64 bytes")


async def test_400_invalid_idempotency_key(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = {**await operator_headers(runtime), "Idempotency-Key": "two words"}
    resp = await client.post("/api/v2/sites", json={"name": "x"}, headers=headers)
    assert_error(resp, 400, "bad_request")


async def test_401_missing_and_invalid_tokens(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v2/sites")
    assert_error(missing, 401, "invalid_token")
    assert missing.headers["www-authenticate"] == 'Bearer realm="refdesk"'
    basic = await client.get("/api/v2/sites", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert_error(basic, 401, "invalid_token")
    assert basic.headers["www-authenticate"] == 'Bearer realm="refdesk"'
    for token in ("None", "0" * 64, "short"):
        resp = await client.get("/api/v2/sites", headers={"Authorization": f"Bearer {token}"})
        assert_error(resp, 401, "invalid_token")
        assert resp.headers["www-authenticate"] == INVALID_TOKEN_CHALLENGE


async def test_402_lapsed_site(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime, status="expired")
    member = await create_member(runtime, site, assignor=True)
    resp = await client.put(f"/api/v2/sites/{site.id}", json={"name": "x"}, headers=member.headers)
    assert_error(resp, 402, "payment_required", site_id=site.id)


async def test_403_forbidden_and_insufficient_scope(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    other = await create_site(runtime)
    member = await create_member(runtime, site, assignor=True)
    forbidden = await client.get(f"/api/v2/sites/{other.id}", headers=member.headers)
    assert_error(forbidden, 403, "forbidden")
    assert "www-authenticate" not in forbidden.headers
    reader = await create_member(runtime, site, scopes="read", assignor=True)
    scope = await client.put(f"/api/v2/sites/{site.id}", json={"name": "x"}, headers=reader.headers)
    assert_error(scope, 403, "insufficient_scope")
    assert scope.headers["www-authenticate"] == (
        'Bearer realm="refdesk", error="insufficient_scope", scope="write"'
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/sites/0",
        "/api/v2/sites/9223372036854775808",
        "/api/v2/sites/99999999999999999999",
        "/api/v2/sites/abc",
        "/api/v2/sites/-1",
        "/api/v2/sites/1.5",
        "/api/v2/sites/%31x",
        "/api/v2/sites/%2531",
        "/api/v2/nothing",
        "/nothing",
        "/API/V2/SITES",
    ],
)
async def test_404_unknown_paths_and_ids(
    client: httpx.AsyncClient, runtime: Runtime, path: str
) -> None:
    headers = await operator_headers(runtime)
    for method in ("GET", "PUT", "DELETE"):
        resp = await client.request(method, path, headers=headers)
        assert_error(resp, 404, "not_found", api=path.startswith("/api/v2/"))


async def test_404_existing_id_of_nothing(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = await operator_headers(runtime)
    for path in ("/api/v2/sites/9223372036854775807", "/api/v2/sites/0000000000000000000042"):
        resp = await client.get(path, headers=headers)
        assert_error(resp, 404, "not_found")


async def test_aliases_and_leading_zeros(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    headers = await operator_headers(runtime)
    for path in (
        "/api/v2//sites/",
        "/v2/sites.json",
        "/v2/sites",
        "//api//v2//sites//",
        "/api/v2/sites.json",
    ):
        resp = await client.get(path, headers=headers)
        assert resp.status_code == 200, path
        assert_common_headers(resp)
        assert resp.json()["_embedded"]["sites"][0]["id"] == site.id
        assert resp.json()["_links"]["self"]["href"].startswith(
            "https://testserver/api/v2/sites.json"
        )
    padded = await client.get(f"/v2/sites/000{site.id}.json", headers=headers)
    assert padded.status_code == 200
    assert padded.json()["id"] == site.id
    encoded = "".join(f"%{ord(c):02X}" for c in str(site.id))
    decoded = await client.get(f"/api/v2/site%73/{encoded}", headers=headers)
    assert decoded.status_code == 200
    assert decoded.json()["id"] == site.id


async def test_405_lists_allowed_methods(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = await operator_headers(runtime)
    resp = await client.post("/api/v2/current_account", json={}, headers=headers)
    assert_error(resp, 405, "method_not_allowed")
    assert resp.headers["allow"] == "GET, HEAD, PUT, PATCH, OPTIONS"
    site = await create_site(runtime)
    item = await client.post(f"/v2/sites/{site.id}.json", headers=headers)
    assert_error(item, 405, "method_not_allowed")
    assert item.headers["allow"] == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
    unauthenticated = await client.delete("/api/v2/sites")
    assert_error(unauthenticated, 405, "method_not_allowed")
    assert unauthenticated.headers["allow"] == "GET, HEAD, POST, OPTIONS"


async def test_406_not_acceptable(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = await operator_headers(runtime)
    for accept in ("text/html", "application/xml, text/*", "application/json;q=0"):
        resp = await client.get("/api/v2/sites", headers={**headers, "Accept": accept})
        assert_error(resp, 406, "not_acceptable", content_type=JSON_CT)
    # Accept is checked after routing, before authentication.
    order = await client.get("/api/v2/sites", headers={"Accept": "text/html"})
    assert_error(order, 406, "not_acceptable", content_type=JSON_CT)
    for accept in ("*/*", "application/*", "application/hal+json", "text/html, */*;q=0.1"):
        ok = await client.get("/api/v2/sites", headers={**headers, "Accept": accept})
        assert ok.status_code == 200, accept
        assert ok.headers["content-type"] == VENDOR_CT


async def test_409_stale_lock_version(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True)
    resp = await client.put(
        f"/api/v2/users/{assignor.user.id}", json={"lock_version": 99}, headers=assignor.headers
    )
    assert_error(resp, 409, "stale_lock_version", lock_version=0)
    fresh = await client.put(
        f"/api/v2/users/{assignor.user.id}",
        json={"lock_version": 0, "first_name": "Renamed"},
        headers=assignor.headers,
    )
    assert fresh.status_code == 200, fresh.text
    assert fresh.json()["lock_version"] == 1
    again = await client.patch(
        f"/api/v2/users/{assignor.user.id}", json={"lock_version": 0}, headers=assignor.headers
    )
    assert_error(again, 409, "stale_lock_version", lock_version=1)


async def test_415_unsupported_media_type(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = await operator_headers(runtime)
    for content_type in (
        "text/plain",
        "application/xml",
        "application/json; charset=latin-1",
        "application/x-www-form-urlencoded; charset=iso-8859-1",
        "multipart/form-data; boundary=x",
    ):
        resp = await client.post(
            "/api/v2/sites",
            content=b'{"name": "x"}',
            headers={**headers, "Content-Type": content_type},
        )
        assert_error(resp, 415, "unsupported_media_type")
    no_type = await client.post("/api/v2/sites", content=b'{"name": "x"}', headers=headers)
    assert_error(no_type, 415, "unsupported_media_type")
    # An empty body is accepted with any Content-Type: the request gets to validation.
    empty = await client.post(
        "/api/v2/sites", content=b"", headers={**headers, "Content-Type": "text/plain"}
    )
    assert_error(
        empty,
        422,
        "validation_failed",
        errors={"name": ["can't be blank"]},
        message="Validation failed: Name can't be blank",
    )
    upper = await client.post(
        "/api/v2/sites",
        content=b'{"name": "Upper"}',
        headers={**headers, "Content-Type": "Application/JSON; Charset=UTF-8"},
    )
    assert upper.status_code == 201, upper.text


async def test_422_validation_failed(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = await operator_headers(runtime)
    resp = await client.post("/api/v2/sites", json={"name": "x" * 91}, headers=headers)
    assert_error(
        resp,
        422,
        "validation_failed",
        errors={"name": ["is too long (maximum is 90 characters)"]},
        message="Validation failed: Name is too long (maximum is 90 characters)",
    )
    limit = await client.get("/api/v2/sites?limit=51", headers=headers)
    assert_error(
        limit,
        422,
        "validation_failed",
        errors={"limit": ["must be less than or equal to 50"]},
        message="Validation failed: Limit must be less than or equal to 50",
    )


async def test_429_rate_limited(runtime: Runtime, tmp_path: Path, database_url: str) -> None:
    headers = await operator_headers(runtime)
    async with client_with(tmp_path, database_url, rate_limit_rules="1/60") as client:
        first = await client.get("/api/v2/sites", headers=headers)
        assert first.status_code == 200
        assert first.headers["x-ratelimit-limit"] == "1"
        assert first.headers["x-ratelimit-period"] == "60"
        assert first.headers["x-ratelimit-remaining"] == "0"
        resp = await client.get("/api/v2/sites", headers=headers)
        retry = int(resp.headers["retry-after"])
        assert 1 <= retry <= 60
        assert_error(resp, 429, "rate_limited", retry_after=retry)
        assert resp.headers["x-ratelimit-remaining"] == "0"
        assert resp.headers["x-ratelimit-reset-seconds-remaining"] == str(retry)
        assert int(resp.headers["x-ratelimit-reset"]) % 60 == 0
        # Health checks are exempt from rate limiting.
        assert (await client.get("/healthz")).status_code == 200


async def test_500_hides_the_failure(app: Any, client: httpx.AsyncClient, runtime: Runtime) -> None:
    class SecretFailure(RuntimeError):
        pass

    async def boom() -> None:
        raise SecretFailure("password=hunter2 SELECT * FROM accounts")

    app.api.add_api_route("/api/v2/boom", boom, methods=["GET"])
    resp = await client.get("/api/v2/boom", headers={"X-Request-Id": "req-500"})
    body = assert_error(resp, 500, "internal_error", incident=resp.json().get("incident"))
    assert uuid.UUID(body["incident"])
    assert body["incident"] in body["message"]
    assert resp.headers["x-request-id"] == "req-500"
    for leak in ("SecretFailure", "RuntimeError", "hunter2", "SELECT", "Traceback", "boom"):
        assert leak not in resp.text


async def test_503_maintenance(runtime: Runtime, tmp_path: Path, database_url: str) -> None:
    async with client_with(
        tmp_path, database_url, maintenance_mode=True, maintenance_retry_after=120
    ) as client:
        resp = await client.get("/api/v2/sites")
        assert_error(resp, 503, "maintenance")
        assert resp.headers["retry-after"] == "120"
        health = await client.get("/healthz")
        assert health.status_code == 503
        assert health.json() == {"status": "maintenance"}


# --- bodies in the problem+json flavour, and the problem documents -----------------------


async def test_problem_json_errors(client: httpx.AsyncClient, runtime: Runtime) -> None:
    accept = {"Accept": "application/problem+json, application/json"}
    resp = await client.get("/api/v2/sites", headers=accept)
    assert_error(resp, 401, "invalid_token", content_type=PROBLEM_CT)
    headers = {**await operator_headers(runtime), **accept}
    ok = await client.get("/api/v2/sites", headers=headers)
    assert ok.status_code == 200
    assert ok.headers["content-type"] == JSON_CT
    missing = await client.get("/api/v2/sites/424242", headers=headers)
    assert_error(missing, 404, "not_found", content_type=PROBLEM_CT)


async def test_problem_documents(client: httpx.AsyncClient) -> None:
    resp = await client.get("/problems/not_found")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == JSON_CT
    assert resp.json() == {
        "type": "https://testserver/problems/not_found",
        "error": "not_found",
        "title": "Not found",
        "status": 404,
        "description": resp.json()["description"],
    }
    for code, title in TITLES.items():
        doc = await client.get(f"/problems/{code}", headers={"Accept": "text/html"})
        assert doc.status_code == 200, code
        assert doc.json()["title"] == title
    nope = await client.get("/problems/nope")
    assert nope.status_code == 404
    assert nope.json()["error"] == "not_found"
    assert nope.json()["status"] == 404
