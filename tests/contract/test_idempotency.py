"""Contract §13: ``Idempotency-Key`` on API POST requests, through HTTP."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from refdesk.server.api.idempotency_store import RecordKey
from refdesk.server.db.base import utcnow
from refdesk.server.db.models import IdempotencyRecord
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from tests.factories import create_account, create_token


async def operator_headers(runtime: Runtime, scopes: str = "read write") -> dict[str, str]:
    account = await create_account(runtime, operator=True)
    return {"Authorization": f"Bearer {await create_token(runtime, account, scopes)}"}


async def count_sites(runtime: Runtime, name: str) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).where(Site.name == name)) or 0)


async def count_records(runtime: Runtime) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0)


def with_key(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def test_replay_returns_stored_response_and_creates_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers = with_key(await operator_headers(runtime), "create-site-1")
    first = await client.post("/api/v2/sites", json={"name": "Harbor"}, headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    # Same request, alias path and wrapped body spelled the same way: a replay.
    second = await client.post("/api/v2/sites", json={"name": "Harbor"}, headers=headers)
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["content-type"] == first.headers["content-type"]
    # Common headers are current, not replayed.
    assert second.headers["x-ratelimit-remaining"] != first.headers["x-ratelimit-remaining"]
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert second.headers["cache-control"] == "no-store"
    assert await count_sites(runtime, "Harbor") == 1


async def test_fingerprint_ignores_member_order_and_form_encoding(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers = with_key(await operator_headers(runtime), "k")
    first = await client.post(
        "/api/v2/sites",
        content=b'{"name": "Order", "sports": ["soccer"]}',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert first.status_code == 201, first.text
    again = await client.post(
        "/v2/sites.json",
        content=b'{"sports":["soccer"],"name":"Order"}',
        headers={**headers, "Content-Type": "application/vnd.assignr.v2.hal+json"},
    )
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert await count_sites(runtime, "Order") == 1


async def test_same_key_different_request_is_422(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers = with_key(await operator_headers(runtime), "reuse-me")
    first = await client.post("/api/v2/sites", json={"name": "One"}, headers=headers)
    assert first.status_code == 201
    other = await client.post("/api/v2/sites", json={"name": "Two"}, headers=headers)
    assert other.status_code == 422
    body = other.json()
    assert body == {
        "error": "idempotency_key_reused",
        "message": body["message"],
        "type": "https://testserver/problems/idempotency_key_reused",
        "title": "Idempotency key reused",
        "status": 422,
        "detail": body["message"],
    }
    assert "idempotent-replayed" not in other.headers
    # A different query string is a different request too.
    query = await client.post("/api/v2/sites?x=1", json={"name": "One"}, headers=headers)
    assert query.status_code == 422
    assert await count_sites(runtime, "Two") == 0


async def test_keys_are_scoped_per_account(client: httpx.AsyncClient, runtime: Runtime) -> None:
    first = await client.post(
        "/api/v2/sites",
        json={"name": "Shared"},
        headers=with_key(await operator_headers(runtime), "same"),
    )
    second = await client.post(
        "/api/v2/sites",
        json={"name": "Shared"},
        headers=with_key(await operator_headers(runtime), "same"),
    )
    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"]
    assert await count_sites(runtime, "Shared") == 2


async def test_invalid_keys_are_400(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = await operator_headers(runtime)
    for key in ("", "has space", "x" * 256, "tab\tkey"):
        resp = await client.post(
            "/api/v2/sites", json={"name": "Bad key"}, headers=with_key(headers, key)
        )
        assert resp.status_code == 400, (key, resp.text)
        body = resp.json()
        assert body["error"] == "bad_request"
        assert body["title"] == "Bad request"
        assert body["status"] == 400
        assert body["detail"] == body["message"]
    non_ascii = await client.post(
        "/api/v2/sites",
        json={"name": "Bad key"},
        headers=[*headers.items(), ("Idempotency-Key", "clé".encode())],
    )
    assert non_ascii.status_code == 400
    two = await client.post(
        "/api/v2/sites",
        json={"name": "Bad key"},
        headers=[*headers.items(), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")],
    )
    assert two.status_code == 400
    longest = await client.post(
        "/api/v2/sites", json={"name": "Long key"}, headers=with_key(headers, "~" * 255)
    )
    assert longest.status_code == 201
    assert await count_sites(runtime, "Bad key") == 0


async def test_failed_request_is_not_stored(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = with_key(await operator_headers(runtime), "retry-after-fix")
    failed = await client.post("/api/v2/sites", json={"name": ""}, headers=headers)
    assert failed.status_code == 422
    assert failed.json()["errors"] == {"name": ["can't be blank"]}
    assert await count_records(runtime) == 0
    # The same failing request executes again (not replayed) ...
    again = await client.post("/api/v2/sites", json={"name": ""}, headers=headers)
    assert again.status_code == 422
    assert "idempotent-replayed" not in again.headers
    # ... and a corrected retry with the same key executes.
    fixed = await client.post("/api/v2/sites", json={"name": "Fixed"}, headers=headers)
    assert fixed.status_code == 201, fixed.text
    assert "idempotent-replayed" not in fixed.headers
    assert await count_sites(runtime, "Fixed") == 1


async def test_in_flight_key_is_409(client: httpx.AsyncClient, runtime: Runtime) -> None:
    account = await create_account(runtime, operator=True)
    headers = {
        "Authorization": f"Bearer {await create_token(runtime, account)}",
        "Idempotency-Key": "busy",
    }
    async with runtime.db.transaction() as session:
        session.add(
            IdempotencyRecord(
                account_id=account.id,
                key=RecordKey(runtime.hasher, account.id, "busy").lookup,
                fingerprint="0" * 64,
                status=None,
                expires_at=utcnow() + timedelta(minutes=5),
            )
        )
    resp = await client.post("/api/v2/sites", json={"name": "Busy"}, headers=headers)
    assert resp.status_code == 409
    body = resp.json()
    assert body == {
        "error": "idempotency_key_in_use",
        "message": body["message"],
        "type": "https://testserver/problems/idempotency_key_in_use",
        "title": "Request in progress",
        "status": 409,
        "detail": body["message"],
    }
    assert await count_sites(runtime, "Busy") == 0


async def test_expired_records_are_replaced(client: httpx.AsyncClient, runtime: Runtime) -> None:
    account = await create_account(runtime, operator=True)
    headers = {
        "Authorization": f"Bearer {await create_token(runtime, account)}",
        "Idempotency-Key": "old",
    }
    async with runtime.db.transaction() as session:
        session.add(
            IdempotencyRecord(
                account_id=account.id,
                key=RecordKey(runtime.hasher, account.id, "old").lookup,
                fingerprint="0" * 64,
                status=201,
                body=b"{}",
                content_type="application/json",
                expires_at=utcnow() - timedelta(seconds=1),
            )
        )
    resp = await client.post("/api/v2/sites", json={"name": "Fresh"}, headers=headers)
    assert resp.status_code == 201, resp.text
    assert "idempotent-replayed" not in resp.headers
    replay = await client.post("/api/v2/sites", json={"name": "Fresh"}, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["id"] == resp.json()["id"]
    assert await count_records(runtime) == 1


async def test_concurrent_requests_execute_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers = with_key(await operator_headers(runtime), "race")
    responses = await asyncio.gather(
        *(client.post("/api/v2/sites", json={"name": "Race"}, headers=headers) for _ in range(4))
    )
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, [r.text for r in responses]
    executed = [
        r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers
    ]
    assert len(executed) == 1
    assert await count_sites(runtime, "Race") == 1


async def test_earlier_steps_answer_before_the_key_check(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    bad = {"Idempotency-Key": "has space"}
    no_token = await client.post("/api/v2/sites", json={"name": "X"}, headers=bad)
    assert no_token.status_code == 401
    assert no_token.headers["www-authenticate"] == 'Bearer realm="refdesk"'
    bogus = await client.post(
        "/api/v2/sites", json={"name": "X"}, headers={**bad, "Authorization": "Bearer None"}
    )
    assert bogus.status_code == 401
    headers = await operator_headers(runtime)
    read_only = await operator_headers(runtime, scopes="read")
    scope = await client.post("/api/v2/sites", json={"name": "X"}, headers={**read_only, **bad})
    assert scope.status_code == 403
    assert scope.json()["error"] == "insufficient_scope"
    not_acceptable = await client.post(
        "/api/v2/sites",
        json={"name": "X"},
        headers={**headers, **bad, "Accept": "text/html"},
    )
    assert not_acceptable.status_code == 406
    media = await client.post(
        "/api/v2/sites",
        content=b"name=X",
        headers={**headers, **bad, "Content-Type": "text/plain"},
    )
    assert media.status_code == 415
    assert media.json()["error"] == "unsupported_media_type"
    undecodable = await client.post(
        "/api/v2/sites",
        content=b"{nope",
        headers={**headers, **bad, "Content-Type": "application/json"},
    )
    assert undecodable.status_code == 400
    assert undecodable.json()["message"] == "The request body is not valid JSON"
    assert await count_records(runtime) == 0


async def test_header_ignored_elsewhere(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = with_key(await operator_headers(runtime), "has space")
    listing = await client.get("/api/v2/sites", headers=headers)
    assert listing.status_code == 200
    created = await client.post(
        "/api/v2/sites", json={"name": "Put"}, headers=await operator_headers(runtime)
    )
    site_id = created.json()["id"]
    put = await client.put(f"/api/v2/sites/{site_id}", json={"name": "Renamed"}, headers=headers)
    assert put.status_code == 200, put.text
    oauth = await client.post("/oauth/token", data={"grant_type": "password"}, headers=headers)
    assert oauth.json()["error"] != "bad_request"
    assert await count_records(runtime) == 0


async def test_form_bodies_are_fingerprinted(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers = with_key(await operator_headers(runtime), "form")
    first = await client.post("/api/v2/sites", data={"site[name]": "Formed"}, headers=headers)
    assert first.status_code == 201, first.text
    replay = await client.post("/api/v2/sites", data={"site[name]": "Formed"}, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    changed = await client.post("/api/v2/sites", data={"site[name]": "Other"}, headers=headers)
    assert changed.status_code == 422
    assert changed.json()["error"] == "idempotency_key_reused"
    assert await count_sites(runtime, "Formed") == 1


async def test_crash_releases_the_key(
    app: Any, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    calls: list[int] = []

    async def boom() -> None:
        calls.append(1)
        raise RuntimeError("kaboom")

    app.api.add_api_route("/api/v2/boom", boom, methods=["POST"])
    headers = with_key(await operator_headers(runtime), "crash")
    for _ in range(2):
        resp = await client.post("/api/v2/boom", json={}, headers=headers)
        assert resp.status_code == 500
        assert resp.json()["error"] == "internal_error"
        assert "kaboom" not in resp.text
        assert await count_records(runtime) == 0
    assert len(calls) == 2


async def test_deeply_nested_body_is_fingerprinted(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers = with_key(await operator_headers(runtime), "deep")
    deep = b'{"name": "Deep", "x": ' + b"[" * 500 + b"]" * 500 + b"}"
    sent = {**headers, "Content-Type": "application/json"}
    first = await client.post("/api/v2/sites", content=deep, headers=sent)
    assert first.status_code == 201, first.text
    replay = await client.post("/api/v2/sites", content=deep, headers=sent)
    assert replay.headers["idempotent-replayed"] == "true"
    other = deep.replace(b"Deep", b"Other")
    changed = await client.post("/api/v2/sites", content=other, headers=sent)
    assert changed.status_code == 422
    assert await count_sites(runtime, "Deep") == 1
