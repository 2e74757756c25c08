"""Applications CRUD at /api/v2/current_account/applications (contract §15.3, §6.6)."""

from __future__ import annotations

import re

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_token
from tests.support.oauth import OOB, REDIRECT, assert_token, client_token
from tests.support.oauth import assert_error as assert_oauth_error

URL = "/api/v2/current_account/applications"
CREDENTIAL = re.compile(r"^[A-Za-z0-9_-]{43}$")


async def headers_for(runtime: Runtime, scopes: str = "read write") -> tuple[dict[str, str], int]:
    account = await create_account(runtime)
    token = await create_token(runtime, account, scopes)
    return {"Authorization": f"Bearer {token}"}, account.id


async def test_create_confidential_application(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers, _ = await headers_for(runtime)
    response = await client.post(
        URL,
        json={"application": {"name": "League sync", "redirect_uris": [REDIRECT, OOB]}},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == body["_links"]["self"]["href"]
    assert body["_links"]["self"] == {
        "resource-type": "application",
        "href": f"https://testserver/api/v2/current_account/applications/{body['id']}.json",
    }
    assert CREDENTIAL.match(body["client_id"])
    assert CREDENTIAL.match(body["client_secret"])
    assert body["confidential"] is True
    assert body["scopes"] == "read write"
    assert body["redirect_uris"] == [REDIRECT, OOB]
    assert body["name"] == "League sync"
    assert body["created"].endswith("+00:00")
    assert "rotate_secret" in body["_links"]
    assert_token(await client_token(client, body["client_id"], body["client_secret"]))
    # The secret is never shown again.
    again = await client.get(body["_links"]["self"]["href"], headers=headers)
    assert again.status_code == 200
    assert "client_secret" not in again.json()


async def test_create_public_application_with_form(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    headers, _ = await headers_for(runtime)
    response = await client.post(
        URL,
        data={
            "application[name]": "Phone app",
            "application[confidential]": "false",
            "application[redirect_uris][]": "com.example.app:/cb",
            "application[scopes]": "read",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["confidential"] is False
    assert body["client_secret"] is None
    assert body["scopes"] == "read"
    assert body["redirect_uris"] == ["com.example.app:/cb"]
    assert "rotate_secret" not in body["_links"]


async def test_list_only_own_applications(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers, _ = await headers_for(runtime)
    other, _ = await headers_for(runtime)
    mine = [
        (await client.post(URL, json={"name": f"App {i}"}, headers=headers)).json()["id"]
        for i in range(2)
    ]
    theirs = (await client.post(URL, json={"name": "Theirs"}, headers=other)).json()["id"]
    response = await client.get(URL, headers=headers)
    assert response.status_code == 200
    items = response.json()["_embedded"]["applications"]
    ids = [item["id"] for item in items]
    assert ids == sorted(ids)
    assert set(mine) <= set(ids) and theirs not in ids
    assert all("client_secret" not in item for item in items)
    assert response.json()["page"]["records"] == len(ids)
    # Another account's application is 404, as is an id out of range.
    for path in (f"{URL}/{theirs}", f"{URL}/99999999", f"{URL}/99999999999999999999"):
        missing = await client.get(path, headers=headers)
        assert missing.status_code == 404
        assert missing.json()["error"] == "not_found"
    for method in ("PATCH", "DELETE"):
        response = await client.request(method, f"{URL}/{theirs}", json={}, headers=headers)
        assert response.status_code == 404
    rotate = await client.post(f"{URL}/{theirs}/rotate_secret", headers=headers)
    assert rotate.status_code == 404


async def test_update(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers, _ = await headers_for(runtime)
    created = (await client.post(URL, json={"name": "Old"}, headers=headers)).json()
    path = f"{URL}/{created['id']}"
    response = await client.patch(
        path,
        json={
            "name": "New",
            "redirect_uris": ["http://localhost:8080/cb", OOB],
            "scopes": "write",
            "client_id": "ignored",
            "confidential": True,
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "New"
    assert body["redirect_uris"] == ["http://localhost:8080/cb", OOB]
    assert body["scopes"] == "write"
    assert body["client_id"] == created["client_id"]
    put = await client.put(
        path, json={"application": {"scopes": ["read", "write"]}}, headers=headers
    )
    assert put.json()["scopes"] == "read write"
    assert put.json()["name"] == "New"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"name": ""}, "name", "can't be blank"),
        ({"name": "x" * 91}, "name", "is too long (maximum is 90 characters)"),
        ({"redirect_uris": ["http://example.org/cb"]}, "redirect_uris", "is invalid"),
        ({"redirect_uris": ["javascript:alert(1)"]}, "redirect_uris", "is invalid"),
        ({"redirect_uris": ["https://example.org/cb#frag"]}, "redirect_uris", "is invalid"),
        ({"redirect_uris": ["relative/path"]}, "redirect_uris", "is invalid"),
        (
            {"redirect_uris": [f"https://e.org/{i}" for i in range(21)]},
            "redirect_uris",
            "is invalid",
        ),
        (
            {"redirect_uris": ["https://e.org/" + "a" * 2000]},
            "redirect_uris",
            "is too long (maximum is 2000 characters)",
        ),
        ({"redirect_uris": {"a": 1}}, "redirect_uris", "is invalid"),
        ({"scopes": "read admin"}, "scopes", "is not included in the list"),
        ({"scopes": 5}, "scopes", "is invalid"),
        ({"confidential": "maybe"}, "confidential", "is not a valid boolean"),
        ({"confidential": False}, "confidential", "is invalid"),
    ],
)
async def test_update_validation(
    client: httpx.AsyncClient,
    runtime: Runtime,
    payload: dict[str, object],
    field: str,
    message: str,
) -> None:
    headers, _ = await headers_for(runtime)
    created = (await client.post(URL, json={"name": "App"}, headers=headers)).json()
    response = await client.patch(f"{URL}/{created['id']}", json=payload, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == {field: [message]}


async def test_create_requires_name(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers, _ = await headers_for(runtime)
    response = await client.post(URL, json={"scopes": "read"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["can't be blank"]}


async def test_scope_requirements(client: httpx.AsyncClient, runtime: Runtime) -> None:
    read_only, _ = await headers_for(runtime, "read")
    response = await client.post(URL, json={"name": "App"}, headers=read_only)
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    assert (await client.get(URL, headers=read_only)).status_code == 200

    writer, _ = await headers_for(runtime, "read write")
    response = await client.post(URL, json={"name": "Bank", "scopes": "read bank"}, headers=writer)
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    assert 'scope="bank"' in response.headers["www-authenticate"]

    banker, _ = await headers_for(runtime, "read write bank")
    created = await client.post(URL, json={"name": "Bank", "scopes": "read bank"}, headers=banker)
    assert created.status_code == 201
    assert created.json()["scopes"] == "read bank"


async def test_updating_a_bank_application_needs_bank(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    account = await create_account(runtime)
    banker = {"Authorization": f"Bearer {await create_token(runtime, account, 'read write bank')}"}
    writer = {"Authorization": f"Bearer {await create_token(runtime, account, 'read write')}"}
    created = (
        await client.post(URL, json={"name": "Bank", "scopes": "bank"}, headers=banker)
    ).json()
    path = f"{URL}/{created['id']}"
    denied = await client.patch(path, json={"name": "Renamed"}, headers=writer)
    assert denied.status_code == 403
    assert denied.json()["error"] == "insufficient_scope"
    rotate = await client.post(f"{path}/rotate_secret", headers=writer)
    assert rotate.status_code == 403
    allowed = await client.patch(path, json={"name": "Renamed"}, headers=banker)
    assert allowed.status_code == 200
    # Deleting is not a bank write.
    assert (await client.delete(path, headers=writer)).status_code == 204


async def test_delete_revokes_tokens(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers, _ = await headers_for(runtime)
    created = (await client.post(URL, json={"name": "Doomed"}, headers=headers)).json()
    token = assert_token(await client_token(client, created["client_id"], created["client_secret"]))
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await client.get("/api/v2/current_account", headers=bearer)).status_code == 200
    response = await client.delete(f"{URL}/{created['id']}", headers=headers)
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get("/api/v2/current_account", headers=bearer)).status_code == 401
    assert (await client.get(f"{URL}/{created['id']}", headers=headers)).status_code == 404
    gone = await client_token(client, created["client_id"], created["client_secret"])
    assert_oauth_error(gone, 401, "invalid_client")


async def test_rotate_secret(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers, _ = await headers_for(runtime)
    created = (
        await client.post(
            URL, json={"name": "Rotating", "redirect_uris": [REDIRECT]}, headers=headers
        )
    ).json()
    token = assert_token(await client_token(client, created["client_id"], created["client_secret"]))
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    response = await client.post(created["_links"]["rotate_secret"]["href"], headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert CREDENTIAL.match(body["client_secret"])
    assert body["client_secret"] != created["client_secret"]
    assert body["client_id"] == created["client_id"]
    assert (await client.get("/api/v2/current_account", headers=bearer)).status_code == 401
    old = await client_token(client, created["client_id"], created["client_secret"])
    assert_oauth_error(old, 401, "invalid_client")
    assert_token(await client_token(client, created["client_id"], body["client_secret"]))


async def test_rotate_secret_of_public_client(client: httpx.AsyncClient, runtime: Runtime) -> None:
    headers, _ = await headers_for(runtime)
    created = (
        await client.post(URL, json={"name": "Public", "confidential": False}, headers=headers)
    ).json()
    response = await client.post(f"{URL}/{created['id']}/rotate_secret", headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == {"confidential": ["is invalid"]}


async def test_requires_token(client: httpx.AsyncClient) -> None:
    response = await client.get(URL)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
