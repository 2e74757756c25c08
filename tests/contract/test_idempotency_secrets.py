"""Issue 9 item 4: responses stored for ``Idempotency-Key`` replay (contract §13) never hold a
secret in plain text, yet a retry still gets the original answer, secret included.

Stored bodies are sealed (AES-GCM) with a key derived from the server secret and the raw
Idempotency-Key, and the raw key is stored only as a keyed hash: a database dump, even with
the server secret, cannot open them; the client's retry, which carries the key, can."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import orjson
from sqlalchemy import select, update

from refdesk.server.db.models import Base, IdempotencyRecord
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_token
from tests.support.forms import TEMPLATE
from tests.support.games import load_site as _site
from tests.support.games import make_game, setup_site
from tests.support.oauth import assert_token, client_token

URL = "/api/v2/current_account/applications"


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


async def rows_containing(runtime: Runtime, *needles: str) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every value of every row of every table holding a needle."""
    found: list[tuple[str, str, str]] = []
    async with runtime.db.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    text = _text(value)
                    found.extend((table.name, column, n) for n in needles if n in text)
    return found


async def owner(runtime: Runtime) -> dict[str, str]:
    account = await create_account(runtime)
    return {"Authorization": f"Bearer {await create_token(runtime, account)}"}


async def test_hole_4_created_client_secret_is_not_stored_and_the_retry_replays_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    key = "create-app-7f3a9c"
    headers = {**await owner(runtime), "Idempotency-Key": key}
    body = {"application": {"name": "League sync"}}
    first = await client.post(URL, json=body, headers=headers)
    assert first.status_code == 201, first.text
    secret = first.json()["client_secret"]
    assert await rows_containing(runtime, secret, key) == []
    # The retry (e.g. the first answer was lost) gets the very same answer, secret included.
    replay = await client.post(URL, json=body, headers=headers)
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    assert replay.headers["location"] == first.headers["location"]
    assert replay.headers["content-type"] == first.headers["content-type"]
    assert_token(await client_token(client, first.json()["client_id"], secret))
    assert await rows_containing(runtime, secret, key) == []


async def test_hole_4_rotated_client_secret_is_not_stored_and_the_retry_replays_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers = await owner(runtime)
    created = await client.post(URL, json={"application": {"name": "Rotating"}}, headers=headers)
    assert created.status_code == 201
    rotate = created.json()["_links"]["rotate_secret"]["href"]
    keyed = {**headers, "Idempotency-Key": "rotate-1"}
    first = await client.post(rotate, json={}, headers=keyed)
    assert first.status_code == 200, first.text
    secret = first.json()["client_secret"]
    assert await rows_containing(runtime, secret, "rotate-1") == []
    replay = await client.post(rotate, json={}, headers=keyed)
    assert replay.status_code == 200
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    # Replayed, not executed again: the secret it shows is still the valid one.
    assert_token(await client_token(client, first.json()["client_id"], secret))
    assert await rows_containing(runtime, secret) == []


async def test_hole_4_stored_fingerprint_cannot_confirm_a_guessed_request(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """A request body may hold a secret (a password, a webhook secret): the stored
    fingerprint must not be a plain hash anyone can check guesses against."""
    headers = {**await owner(runtime), "Idempotency-Key": "guess-me"}
    body = {"application": {"name": "Guessable"}}
    response = await client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.text
    canonical = orjson.dumps(
        {"method": "POST", "path": URL, "query": "", "body": body}, option=orjson.OPT_SORT_KEYS
    )
    plain = hashlib.sha256(canonical).hexdigest()
    assert await rows_containing(runtime, plain) == []


async def test_token_endpoint_stores_no_token_even_with_an_idempotency_key(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """``/oauth/token`` ignores Idempotency-Key (§13): its secrets are never stored."""
    headers = await owner(runtime)
    created = await client.post(URL, json={"application": {"name": "Tokens"}}, headers=headers)
    app = created.json()
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
        headers={"Idempotency-Key": "token-1", **headers},
    )
    token = assert_token(response)
    assert await rows_containing(runtime, str(token["access_token"]), app["client_secret"]) == []


async def test_a_stored_response_that_does_not_open_is_refused_not_re_executed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Documented replay behaviour for a record altered in the database: 422, nothing runs."""
    headers = {**await owner(runtime), "Idempotency-Key": "tampered"}
    body = {"application": {"name": "Once"}}
    first = await client.post(URL, json=body, headers=headers)
    assert first.status_code == 201, first.text
    async with runtime.db.transaction() as session:
        await session.execute(update(IdempotencyRecord).values(body=b"\x01" + b"0" * 40))
    replay = await client.post(URL, json=body, headers=headers)
    assert replay.status_code == 422, replay.text
    assert replay.json()["error"] == "idempotency_key_reused"
    assert "idempotent-replayed" not in replay.headers
    listing = await client.get(URL, headers=headers)
    names = [a["name"] for a in listing.json()["_embedded"]["applications"]]
    assert names.count("Once") == 1


async def test_hole_4_any_secret_bearing_response_is_sealed_without_declaring_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """A form submission's answer holds its web-view capability token (anyone holding the
    link reads the report): it is sealed like every stored body, with no opt-in to forget."""
    site_id, assignor = await setup_site(client, runtime)
    official = await create_member(runtime, await _site(runtime, site_id))
    game = await make_game(client, site_id, assignor.headers)
    slot = game["_embedded"]["assignments"][0]["id"]
    assign = f"/api/v2/assignments/{slot}/assign"
    await client.post(assign, json={"user_id": official.user.id}, headers=assignor.headers)
    await client.put(
        f"/api/v2/sites/{site_id}", json={"forms_enabled": "true"}, headers=assignor.headers
    )
    template = await client.post(
        f"/api/v2/sites/{site_id}/form/templates",
        json={"form_template": TEMPLATE},
        headers=assignor.headers,
    )
    assert template.status_code == 201, template.text
    headers = {**official.headers, "Idempotency-Key": "report-1"}
    report = {"game_id": game["id"], "values": {".homeTeamScore": 2}}
    url = f"/api/v2/form/templates/{template.json()['id']}/submissions"
    first = await client.post(url, json=report, headers=headers)
    assert first.status_code == 201, first.text
    token = first.json()["_links"]["game_report_webview"]["href"].rsplit("/", 1)[1]
    assert await rows_containing(runtime, token) == []
    replay = await client.post(url, json=report, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
