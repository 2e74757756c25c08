"""GET/POST /oauth/authorize (contract §6.4) and the authorization-code + refresh grants."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from refdesk.server.auth.models import AuthorizationCode, RefreshToken
from refdesk.server.db.base import utcnow
from refdesk.server.runtime import Runtime
from tests.factories import create_account
from tests.support.oauth import (
    OOB,
    PASSWORD,
    REDIRECT,
    Owner,
    assert_error,
    assert_token,
    authorization_code,
    basic,
    csrf_of,
    hidden_fields,
    login_and_consent,
    make_app,
    pkce_pair,
    query_of,
)

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def params_for(client_id: str, **extra: str) -> dict[str, str]:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT}
    params.update(extra)
    return params


async def me(client: httpx.AsyncClient, token: object) -> httpx.Response:
    return await client.get("/api/v2/current_account", headers={"Authorization": f"Bearer {token}"})


async def exchange(client: httpx.AsyncClient, app: object, **form: str) -> httpx.Response:
    application = app.application  # type: ignore[attr-defined]
    data = {"grant_type": "authorization_code", "client_id": application.client_id, **form}
    secret = app.client_secret  # type: ignore[attr-defined]
    if secret:
        data["client_secret"] = secret
    return await client.post("/oauth/token", data=data)


# -- the page flow -----------------------------------------------------------------------


async def test_login_page_then_consent_then_code(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    params = params_for(app.application.client_id, state="xyz&1", scope="read write")
    page = await client.get("/oauth/authorize", params=params)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["x-frame-options"] == "DENY"
    assert "refdesk_oauth_csrf" in page.headers["set-cookie"]
    assert 'name="password"' in page.text
    assert "Test app" in page.text
    form = hidden_fields(page.text)
    assert form["state"] == "xyz&1"
    form.update(login=people.person.login, password=PASSWORD)
    consent = await client.post("/oauth/authorize", data=form)
    assert consent.status_code == 200
    assert 'value="approve"' in consent.text and 'value="deny"' in consent.text
    assert people.person.login in consent.text
    # The session cookie now skips the login form.
    again = await client.get("/oauth/authorize", params=params)
    assert 'value="approve"' in again.text and 'name="password"' not in again.text
    form = hidden_fields(consent.text)
    form["decision"] = "approve"
    approved = await client.post("/oauth/authorize", data=form)
    assert approved.status_code == 302
    assert approved.json() == {}
    location = approved.headers["location"]
    assert location.startswith(REDIRECT + "?")
    query = query_of(location)
    assert HEX64.match(query["code"])
    assert query["state"] == "xyz&1"
    token = await exchange(client, app, code=query["code"], redirect_uri=REDIRECT)
    body = assert_token(token, "read write")
    assert HEX64.match(str(body["refresh_token"]))
    acting = await me(client, body["access_token"])
    assert acting.status_code == 200
    assert acting.json()["id"] == people.person.id


async def test_login_with_email_and_wrong_password(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    page = await client.get("/oauth/authorize", params=params_for(app.application.client_id))
    form = hidden_fields(page.text)
    form.update(login=people.person.email.upper(), password="wrong password")
    wrong = await client.post("/oauth/authorize", data=form)
    assert wrong.status_code == 200
    assert "incorrect" in wrong.text
    assert 'name="password"' in wrong.text
    assert "refdesk_session" not in wrong.headers.get("set-cookie", "")
    form["password"] = PASSWORD
    right = await client.post("/oauth/authorize", data=form)
    assert 'value="approve"' in right.text


async def test_inactive_account_cannot_log_in(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    sleeper = await create_account(runtime, password=PASSWORD, active=False)
    page = await client.get("/oauth/authorize", params=params_for(app.application.client_id))
    form = hidden_fields(page.text)
    form.update(login=sleeper.login, password=PASSWORD)
    response = await client.post("/oauth/authorize", data=form)
    assert 'name="password"' in response.text and "incorrect" in response.text


async def test_post_without_csrf_is_rejected(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    page = await client.get("/oauth/authorize", params=params_for(app.application.client_id))
    form = hidden_fields(page.text)
    form.pop("csrf_token")
    form.update(login=people.person.login, password=PASSWORD)
    response = await client.post("/oauth/authorize", data=form)
    assert_error(response, 400, "invalid_request")
    form["csrf_token"] = "0" * 64
    response = await client.post("/oauth/authorize", data=form)
    assert_error(response, 400, "invalid_request")
    # A token valid for another browser's cookie does not help either.
    other = httpx.AsyncClient(transport=client._transport, base_url="https://testserver")
    async with other:
        form["csrf_token"] = csrf_of(page.text)
        response = await other.post("/oauth/authorize", data=form)
    assert_error(response, 400, "invalid_request")


async def test_approve_without_session_shows_login(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    page = await client.get("/oauth/authorize", params=params_for(app.application.client_id))
    form = hidden_fields(page.text)
    form["decision"] = "approve"
    response = await client.post("/oauth/authorize", data=form)
    assert response.status_code == 200
    assert 'name="password"' in response.text


async def test_deny(client: httpx.AsyncClient, runtime: Runtime, people: Owner) -> None:
    app = await make_app(runtime, people.owner)
    params = params_for(app.application.client_id, state="s1")
    response = await login_and_consent(client, params, people.person.login, decision="deny")
    assert response.status_code == 302
    assert response.json() == {}
    query = query_of(response.headers["location"])
    assert query["error"] == "access_denied"
    assert query["state"] == "s1"
    assert "code" not in query


async def test_oob_shows_the_code(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    params = params_for(app.application.client_id, redirect_uri=OOB)
    response = await login_and_consent(client, params, people.person.login)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    match = re.search(r'<code id="code">([0-9a-f]{64})</code>', response.text)
    assert match
    token = await exchange(client, app, code=match.group(1), redirect_uri=OOB)
    assert_token(token)


async def test_single_registered_uri_may_be_omitted(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner, redirect_uris=[REDIRECT])
    params = {"response_type": "code", "client_id": app.application.client_id}
    code = await authorization_code(client, params, people.person.login)
    assert_token(await exchange(client, app, code=code))


# -- errors that are not redirected ------------------------------------------------------


async def test_unknown_client_is_json_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/oauth/authorize", params=params_for("x" * 43))
    assert_error(response, 400, "invalid_client")
    missing = await client.get("/oauth/authorize", params={"response_type": "code"})
    assert_error(missing, 400, "invalid_request")


@pytest.mark.parametrize("redirect", ["https://evil.example.org/cb", None])
async def test_bad_redirect_uri_is_json_400(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner, redirect: str | None
) -> None:
    app = await make_app(runtime, people.owner)  # two registered URIs
    params = params_for(app.application.client_id)
    if redirect is None:
        params.pop("redirect_uri")
    else:
        params["redirect_uri"] = redirect
    response = await client.get("/oauth/authorize", params=params)
    assert_error(response, 400, "invalid_request")
    assert "location" not in response.headers


# -- errors that are redirected ----------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": ""}, "invalid_request"),
        ({"scope": "read admin"}, "invalid_scope"),
        ({"scope": "bank"}, "invalid_scope"),
        ({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "a" * 43}, "invalid_request"),
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
    ],
)
async def test_redirected_errors(
    client: httpx.AsyncClient,
    runtime: Runtime,
    people: Owner,
    extra: dict[str, str],
    error: str,
) -> None:
    app = await make_app(runtime, people.owner)
    params = params_for(app.application.client_id, state="st")
    params.update(extra)
    response = await client.get("/oauth/authorize", params=params)
    assert response.status_code == 302, response.text
    assert response.json() == {}
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    query = query_of(location)
    assert query["error"] == error
    assert query["error_description"]
    assert query["state"] == "st"


async def test_public_client_must_send_code_challenge(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner, confidential=False)
    response = await client.get("/oauth/authorize", params=params_for(app.application.client_id))
    assert response.status_code == 302
    assert query_of(response.headers["location"])["error"] == "invalid_request"


# -- authorization_code grant ------------------------------------------------------------


async def test_pkce_public_client(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner, confidential=False)
    verifier, challenge = pkce_pair()
    params = params_for(
        app.application.client_id, code_challenge=challenge, code_challenge_method="S256"
    )
    code = await authorization_code(client, params, people.person.login)
    body = assert_token(
        await exchange(client, app, code=code, redirect_uri=REDIRECT, code_verifier=verifier)
    )
    assert "refresh_token" in body


@pytest.mark.parametrize(
    ("verifier", "status", "error"),
    [
        ("wrong-but-well-formed-verifier-" + "a" * 20, 400, "invalid_grant"),
        ("short", 400, "invalid_request"),
        ("bad chars!" * 5, 400, "invalid_request"),
        (None, 400, "invalid_request"),
    ],
)
async def test_pkce_failures(
    client: httpx.AsyncClient,
    runtime: Runtime,
    people: Owner,
    verifier: str | None,
    status: int,
    error: str,
) -> None:
    app = await make_app(runtime, people.owner)
    good, challenge = pkce_pair()
    params = params_for(
        app.application.client_id, code_challenge=challenge, code_challenge_method="S256"
    )
    code = await authorization_code(client, params, people.person.login)
    form = {"code": code, "redirect_uri": REDIRECT}
    if verifier is not None:
        form["code_verifier"] = verifier
    assert_error(await exchange(client, app, **form), status, error)
    # A failed attempt does not burn the code.
    assert_token(await exchange(client, app, code=code, redirect_uri=REDIRECT, code_verifier=good))


async def test_verifier_without_challenge(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    code = await authorization_code(
        client, params_for(app.application.client_id), people.person.login
    )
    verifier, _ = pkce_pair()
    response = await exchange(client, app, code=code, redirect_uri=REDIRECT, code_verifier=verifier)
    assert_error(response, 400, "invalid_grant")


async def test_redirect_uri_checks(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    code = await authorization_code(
        client, params_for(app.application.client_id), people.person.login
    )
    assert_error(await exchange(client, app, code=code), 400, "invalid_request")
    assert_error(await exchange(client, app, code=code, redirect_uri=OOB), 400, "invalid_grant")
    assert_token(await exchange(client, app, code=code, redirect_uri=REDIRECT))


async def test_missing_code_and_unknown_code(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    assert_error(await exchange(client, app, redirect_uri=REDIRECT), 400, "invalid_request")
    assert_error(
        await exchange(client, app, code="f" * 64, redirect_uri=REDIRECT), 400, "invalid_grant"
    )


async def test_code_issued_to_another_client(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    other = await make_app(runtime, people.owner)
    code = await authorization_code(
        client, params_for(app.application.client_id), people.person.login
    )
    response = await exchange(client, other, code=code, redirect_uri=REDIRECT)
    assert_error(response, 400, "invalid_grant")


async def test_expired_code(client: httpx.AsyncClient, runtime: Runtime, people: Owner) -> None:
    app = await make_app(runtime, people.owner)
    code = await authorization_code(
        client, params_for(app.application.client_id), people.person.login
    )
    async with runtime.db.transaction() as session:
        await session.execute(
            update(AuthorizationCode).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    response = await exchange(client, app, code=code, redirect_uri=REDIRECT)
    assert_error(response, 400, "invalid_grant")


async def test_code_reuse_revokes_every_token_issued_from_it(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    code = await authorization_code(
        client, params_for(app.application.client_id), people.person.login
    )
    first = assert_token(await exchange(client, app, code=code, redirect_uri=REDIRECT))
    # Tokens obtained by refreshing descend from the code too.
    refreshed = assert_token(
        await client.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": str(first["refresh_token"])},
            headers=basic(app.application.client_id, app.client_secret or ""),
        )
    )
    assert (await me(client, refreshed["access_token"])).status_code == 200
    reuse = await exchange(client, app, code=code, redirect_uri=REDIRECT)
    assert_error(reuse, 400, "invalid_grant")
    for token in (first["access_token"], refreshed["access_token"]):
        assert (await me(client, token)).status_code == 401
    again = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(refreshed["refresh_token"])},
        headers=basic(app.application.client_id, app.client_secret or ""),
    )
    assert_error(again, 400, "invalid_grant")


# -- refresh_token grant -----------------------------------------------------------------


async def _tokens(
    client: httpx.AsyncClient, app: object, login: str, scope: str = "read write"
) -> dict[str, object]:
    application = app.application  # type: ignore[attr-defined]
    code = await authorization_code(client, params_for(application.client_id, scope=scope), login)
    return assert_token(await exchange(client, app, code=code, redirect_uri=REDIRECT), scope)


async def test_refresh_rotates(client: httpx.AsyncClient, runtime: Runtime, people: Owner) -> None:
    app = await make_app(runtime, people.owner)
    first = await _tokens(client, app, people.person.login)
    auth = basic(app.application.client_id, app.client_secret or "")
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(first["refresh_token"])},
        headers=auth,
    )
    second = assert_token(response, "read write")
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    acting = await me(client, second["access_token"])
    assert acting.json()["id"] == people.person.id
    old = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(first["refresh_token"])},
        headers=auth,
    )
    assert_error(old, 400, "invalid_grant")


async def test_refresh_scope_subset(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner, scopes="read write bank")
    first = await _tokens(client, app, people.person.login)
    auth = basic(app.application.client_id, app.client_secret or "")
    wider = await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": str(first["refresh_token"]),
            "scope": "read write bank",
        },
        headers=auth,
    )
    assert_error(wider, 400, "invalid_scope")
    narrow = assert_token(
        await client.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": str(first["refresh_token"]),
                "scope": "read",
            },
            headers=auth,
        ),
        "read",
    )
    # The rotated refresh token keeps the original grant.
    restored = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(narrow["refresh_token"])},
        headers=auth,
    )
    assert_token(restored, "read write")


async def test_refresh_failures(client: httpx.AsyncClient, runtime: Runtime, people: Owner) -> None:
    app = await make_app(runtime, people.owner)
    other = await make_app(runtime, people.owner)
    tokens = await _tokens(client, app, people.person.login)
    auth = basic(app.application.client_id, app.client_secret or "")
    missing = await client.post("/oauth/token", data={"grant_type": "refresh_token"}, headers=auth)
    assert_error(missing, 400, "invalid_request")
    unknown = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": "a" * 64},
        headers=auth,
    )
    assert_error(unknown, 400, "invalid_grant")
    foreign = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(tokens["refresh_token"])},
        headers=basic(other.application.client_id, other.client_secret or ""),
    )
    assert_error(foreign, 400, "invalid_grant")
    async with runtime.db.transaction() as session:
        await session.execute(
            update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    expired = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(tokens["refresh_token"])},
        headers=auth,
    )
    assert_error(expired, 400, "invalid_grant")


async def test_public_client_refresh_with_client_id_only(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner, confidential=False)
    verifier, challenge = pkce_pair()
    params = params_for(
        app.application.client_id, code_challenge=challenge, code_challenge_method="S256"
    )
    code = await authorization_code(client, params, people.person.login)
    first = assert_token(
        await exchange(client, app, code=code, redirect_uri=REDIRECT, code_verifier=verifier)
    )
    response = await client.post(
        "/oauth/token",
        json={
            "grant_type": "refresh_token",
            "client_id": app.application.client_id,
            "refresh_token": first["refresh_token"],
        },
    )
    assert_token(response)


async def test_oob_errors_are_json(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    params = params_for(app.application.client_id, redirect_uri=OOB, response_type="token")
    response = await client.get("/oauth/authorize", params=params)
    assert_error(response, 400, "unsupported_response_type")
    denied = await login_and_consent(
        client,
        params_for(app.application.client_id, redirect_uri=OOB),
        people.person.login,
        decision="deny",
    )
    assert_error(denied, 403, "access_denied")


async def test_page_escapes_parameters(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner, name="<b>App</b>")
    params = params_for(app.application.client_id, state='"><script>alert(1)</script>')
    page = await client.get("/oauth/authorize.json", params=params)
    assert page.status_code == 200
    assert "<script>" not in page.text and "<b>App" not in page.text
    assert hidden_fields(page.text)["state"] == '"><script>alert(1)</script>'
    head = await client.head("/oauth/authorize", params=params)
    assert head.status_code == 200 and head.content == b""


async def test_unknown_decision_and_bad_content_type(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    params = params_for(app.application.client_id, state="q")
    response = await login_and_consent(client, params, people.person.login, decision="maybe")
    assert response.status_code == 302
    assert query_of(response.headers["location"])["error"] == "invalid_request"
    bad = await client.post(
        "/oauth/authorize", content=b"<xml/>", headers={"Content-Type": "application/xml"}
    )
    assert_error(bad, 415, "unsupported_media_type")
