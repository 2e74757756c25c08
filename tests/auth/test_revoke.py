"""POST /oauth/revoke (contract §6.5, RFC 7009)."""

from __future__ import annotations

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.support.oauth import (
    REDIRECT,
    Owner,
    assert_error,
    assert_token,
    authorization_code,
    basic,
    make_app,
)


async def _client_token(client: httpx.AsyncClient, app: object) -> str:
    application = app.application  # type: ignore[attr-defined]
    secret = app.client_secret  # type: ignore[attr-defined]
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(application.client_id, secret),
    )
    return str(assert_token(response)["access_token"])


async def _status(client: httpx.AsyncClient, token: object) -> int:
    response = await client.get(
        "/api/v2/current_account", headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code


async def test_revoke_access_token(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    token = await _client_token(client, app)
    keep = await _client_token(client, app)
    assert await _status(client, token) == 200
    auth = basic(app.application.client_id, app.client_secret or "")
    response = await client.post(
        "/oauth/revoke", data={"token": token, "token_type_hint": "access_token"}, headers=auth
    )
    assert response.status_code == 200
    assert response.json() == {}
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert await _status(client, token) == 401
    assert await _status(client, keep) == 200
    # Revoking again is a no-op.
    again = await client.post("/oauth/revoke", data={"token": token}, headers=auth)
    assert again.status_code == 200 and again.json() == {}


async def test_revoke_with_json_body_and_credentials(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    token = await _client_token(client, app)
    response = await client.post(
        "/oauth/revoke.json",
        json={
            "token": token,
            "client_id": app.application.client_id,
            "client_secret": app.client_secret,
        },
    )
    assert response.status_code == 200
    assert await _status(client, token) == 401


@pytest.mark.parametrize("token", ["a" * 64, "not-a-token", "A" * 64])
async def test_unknown_token_is_200(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner, token: str
) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/revoke",
        data={"token": token},
        headers=basic(app.application.client_id, app.client_secret or ""),
    )
    assert response.status_code == 200
    assert response.json() == {}


async def test_revoke_refresh_token_revokes_its_access_tokens(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    auth = basic(app.application.client_id, app.client_secret or "")
    code = await authorization_code(
        client,
        {"response_type": "code", "client_id": app.application.client_id, "redirect_uri": REDIRECT},
        people.person.login,
    )
    tokens = assert_token(
        await client.post(
            "/oauth/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
            headers=auth,
        )
    )
    assert await _status(client, tokens["access_token"]) == 200
    response = await client.post(
        "/oauth/revoke",
        data={"token": str(tokens["refresh_token"]), "token_type_hint": "refresh_token"},
        headers=auth,
    )
    assert response.status_code == 200
    assert await _status(client, tokens["access_token"]) == 401
    refresh = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(tokens["refresh_token"])},
        headers=auth,
    )
    assert_error(refresh, 400, "invalid_grant")


async def test_wrong_hint_still_finds_the_token(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    token = await _client_token(client, app)
    response = await client.post(
        "/oauth/revoke",
        data={"token": token, "token_type_hint": "refresh_token"},
        headers=basic(app.application.client_id, app.client_secret or ""),
    )
    assert response.status_code == 200
    assert await _status(client, token) == 401


async def test_other_applications_token_is_403(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    other = await make_app(runtime, people.owner)
    token = await _client_token(client, app)
    response = await client.post(
        "/oauth/revoke",
        data={"token": token},
        headers=basic(other.application.client_id, other.client_secret or ""),
    )
    assert_error(response, 403, "unauthorized_client")
    assert await _status(client, token) == 200


async def test_unsupported_token_type_hint(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    token = await _client_token(client, app)
    response = await client.post(
        "/oauth/revoke",
        data={"token": token, "token_type_hint": "id_token"},
        headers=basic(app.application.client_id, app.client_secret or ""),
    )
    assert_error(response, 400, "unsupported_token_type")
    assert await _status(client, token) == 200


async def test_missing_token_parameter(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/revoke",
        data={"token_type_hint": "access_token"},
        headers=basic(app.application.client_id, app.client_secret or ""),
    )
    assert_error(response, 400, "invalid_request")


@pytest.mark.parametrize("case", ["none", "wrong_secret", "basic_wrong"])
async def test_client_authentication_failures(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner, case: str
) -> None:
    app = await make_app(runtime, people.owner)
    token = await _client_token(client, app)
    headers: dict[str, str] = {}
    data = {"token": token}
    if case == "wrong_secret":
        data.update(client_id=app.application.client_id, client_secret="nope")
    elif case == "basic_wrong":
        headers = basic(app.application.client_id, "nope")
    response = await client.post("/oauth/revoke", data=data, headers=headers)
    assert_error(response, 401, "invalid_client")
    if case == "basic_wrong":
        assert response.headers["www-authenticate"] == 'Basic realm="refdesk"'
    assert await _status(client, token) == 200


async def test_public_client_revokes_with_client_id(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    from tests.support.oauth import pkce_pair

    app = await make_app(runtime, people.owner, confidential=False)
    verifier, challenge = pkce_pair()
    code = await authorization_code(
        client,
        {
            "response_type": "code",
            "client_id": app.application.client_id,
            "redirect_uri": REDIRECT,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        people.person.login,
    )
    tokens = assert_token(
        await client.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "client_id": app.application.client_id,
                "code": code,
                "redirect_uri": REDIRECT,
                "code_verifier": verifier,
            },
        )
    )
    response = await client.post(
        "/oauth/revoke",
        data={"token": str(tokens["access_token"]), "client_id": app.application.client_id},
    )
    assert response.status_code == 200
    assert await _status(client, tokens["access_token"]) == 401
