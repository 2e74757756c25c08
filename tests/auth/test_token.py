"""POST /oauth/token (contract §6.3): encodings, client authentication, grants, errors."""

from __future__ import annotations

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.support.oauth import Owner, assert_error, assert_token, basic, make_app


async def test_client_credentials_form_acts_as_owner(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app.application.client_id,
            "client_secret": app.client_secret,
        },
    )
    body = assert_token(response)
    assert "refresh_token" not in body
    me = await client.get(
        "/api/v2/current_account", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["id"] == people.owner.id


async def test_every_call_issues_a_new_token(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    form = {
        "grant_type": "client_credentials",
        "client_id": app.application.client_id,
        "client_secret": app.client_secret or "",
    }
    first = assert_token(await client.post("/oauth/token", data=form))
    second = assert_token(await client.post("/oauth/token.json", data=form))
    assert first["access_token"] != second["access_token"]
    for body in (first, second):
        me = await client.get(
            "/api/v2/current_account", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert me.status_code == 200


async def test_multipart_body(client: httpx.AsyncClient, runtime: Runtime, people: Owner) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/token",
        files={
            "grant_type": (None, "client_credentials"),
            "client_id": (None, app.application.client_id),
            "client_secret": (None, app.client_secret or ""),
            "scope": (None, "read write"),
        },
    )
    assert response.request.headers["content-type"].startswith("multipart/form-data")
    assert_token(response, "read write")


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/vnd.assignr.v2.hal+json",
        "application/hal+json; charset=utf-8",
    ],
)
async def test_json_bodies(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner, content_type: str
) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": app.application.client_id,
            "client_secret": app.client_secret,
            "scope": ["write", "read"],
        },
        headers={"Content-Type": content_type, "Accept": "text/html"},
    )
    assert_token(response, "read write")


async def test_unsupported_content_type(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/token",
        content=f"grant_type=client_credentials&client_id={app.application.client_id}",
        headers={"Content-Type": "text/plain"},
    )
    assert_error(response, 415, "unsupported_media_type")


async def test_malformed_json_is_invalid_request(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/oauth/token", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, "invalid_request")


async def test_http_basic(client: httpx.AsyncClient, runtime: Runtime, people: Owner) -> None:
    app = await make_app(runtime, people.owner)
    headers = basic(app.application.client_id, app.client_secret or "")
    response = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=headers
    )
    assert_token(response)
    # Both present and naming the same client is fine.
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": app.application.client_id},
        headers=headers,
    )
    assert_token(response)


async def test_basic_and_body_naming_different_clients(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    one = await make_app(runtime, people.owner)
    two = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": two.application.client_id,
            "client_secret": two.client_secret,
        },
        headers=basic(one.application.client_id, one.client_secret or ""),
    )
    assert_error(response, 400, "invalid_request")


async def test_wrong_secret_with_basic_has_www_authenticate(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(app.application.client_id, "wrong"),
    )
    assert_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"] == 'Basic realm="refdesk"'
    assert response.headers["pragma"] == "no-cache"


async def test_malformed_basic_header(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic %%%not-base64"},
    )
    assert_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"] == 'Basic realm="refdesk"'


@pytest.mark.parametrize("case", ["unknown", "wrong_secret", "no_secret", "no_client"])
async def test_invalid_client_in_body(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner, case: str
) -> None:
    app = await make_app(runtime, people.owner)
    form = {"grant_type": "client_credentials"}
    if case == "unknown":
        form.update(client_id="x" * 43, client_secret=app.client_secret or "")
    elif case == "wrong_secret":
        form.update(client_id=app.application.client_id, client_secret="y" * 43)
    elif case == "no_secret":
        form.update(client_id=app.application.client_id)
    response = await client.post("/oauth/token", data=form)
    assert_error(response, 401, "invalid_client")
    assert "www-authenticate" not in response.headers


async def test_deactivated_owner_is_invalid_client(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    from tests.factories import create_account

    owner = await create_account(runtime, active=False)
    app = await make_app(runtime, owner)
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app.application.client_id,
            "client_secret": app.client_secret,
        },
    )
    assert_error(response, 401, "invalid_client")


async def test_missing_grant_type(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/token",
        data={"client_id": app.application.client_id, "client_secret": app.client_secret},
    )
    assert_error(response, 400, "invalid_request")
    empty = await client.post("/oauth/token")
    assert_error(empty, 400, "invalid_request")


async def test_malformed_parameter(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/token",
        json={
            "grant_type": ["client_credentials"],
            "client_id": app.application.client_id,
            "client_secret": app.client_secret,
        },
    )
    assert_error(response, 400, "invalid_request")
    response = await client.post(
        "/oauth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": app.application.client_id,
            "client_secret": app.client_secret,
            "scope": {"read": True},
        },
    )
    assert_error(response, 400, "invalid_request")


async def test_unsupported_grant_type(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app.application.client_id,
            "client_secret": app.client_secret,
        },
    )
    assert_error(response, 400, "unsupported_grant_type")


async def test_public_client_cannot_use_client_credentials(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner, confidential=False)
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": app.application.client_id},
    )
    assert_error(response, 400, "unauthorized_client")


@pytest.mark.parametrize(
    ("requested", "granted"),
    [
        ("", "read"),
        ("write", "write"),
        ("write read read", "read write"),
        ("bank write read", "read write bank"),
    ],
)
async def test_scopes_granted(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner, requested: str, granted: str
) -> None:
    app = await make_app(runtime, people.owner, scopes="read write bank")
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app.application.client_id,
            "client_secret": app.client_secret,
            "scope": requested,
        },
    )
    assert_token(response, granted)


@pytest.mark.parametrize("requested", ["admin", "read admin", "bank"])
async def test_invalid_scope(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner, requested: str
) -> None:
    app = await make_app(runtime, people.owner, scopes="read write")
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app.application.client_id,
            "client_secret": app.client_secret,
            "scope": requested,
        },
    )
    assert_error(response, 400, "invalid_scope")


async def test_token_endpoint_methods(client: httpx.AsyncClient) -> None:
    response = await client.get("/oauth/token")
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]
    assert response.json()["error"] == "method_not_allowed"
