"""How web sessions end (password change, deactivation), and the one session shared with the
OAuth login page (``/oauth/authorize``)."""

from __future__ import annotations

from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_token
from tests.support.app import client_for
from tests.support.oauth import PASSWORD, REDIRECT, hidden_fields, make_app, query_of
from tests.support.web import SESSION, set_active, sign_in_page, signed_in_client, signed_in_page


async def test_a_password_change_ends_every_session_of_the_account(
    client: httpx.AsyncClient, runtime: Runtime, app: Any
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    await signed_in_client(client, person.login)
    async with client_for(app) as laptop:
        await signed_in_client(laptop, person.login)
        token = await create_token(runtime, person)
        renamed = await client.patch(
            "/api/v2/current_account",
            json={"first_name": "Robin"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert renamed.status_code == 200
        assert signed_in_page(await client.get("/"))  # other changes keep the session
        changed = await client.put(
            "/api/v2/current_account",
            json={"password": "a new password 2", "current_password": PASSWORD},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert changed.status_code == 200, changed.text
        assert sign_in_page(await client.get("/"))
        assert sign_in_page(await laptop.get("/"))
        again = await signed_in_client(laptop, person.login.upper(), "a new password 2")
        assert "Signed in as Robin" in again.text


async def test_deactivation_ends_the_session(client: httpx.AsyncClient, runtime: Runtime) -> None:
    person = await create_account(runtime, password=PASSWORD)
    await signed_in_client(client, person.login)
    await set_active(runtime, person, False)
    assert sign_in_page(await client.get("/"))
    assert SESSION in client.cookies  # the cookie is still sent, and refused


def _authorize_params(client_id: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT}


async def test_the_oauth_page_sees_the_web_session_and_still_asks_for_consent(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    application = await make_app(runtime, owner, name="Scoreboard")
    params = _authorize_params(application.application.client_id)
    await signed_in_client(client, person.login)
    consent = await client.get("/oauth/authorize", params=params)
    assert consent.status_code == 200
    assert 'value="approve"' in consent.text and 'name="password"' not in consent.text
    assert f"You are signed in as <strong>{person.login}</strong>" in consent.text
    form = hidden_fields(consent.text)
    approved = await client.post("/oauth/authorize", data={**form, "decision": "approve"})
    assert approved.status_code == 302
    assert "code" in query_of(approved.headers["location"])


async def test_signing_in_on_the_oauth_page_signs_in_the_web_app(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    application = await make_app(runtime, owner)
    params = _authorize_params(application.application.client_id)
    page = await client.get("/oauth/authorize", params=params)
    assert 'name="password"' in page.text
    form = {**hidden_fields(page.text), "login": person.login, "password": PASSWORD}
    consent = await client.post("/oauth/authorize", data=form)
    assert 'value="approve"' in consent.text
    cookie = consent.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION}=") and "Path=/;" in cookie + ";"
    assert signed_in_page(await client.get("/"))


async def test_an_ended_web_session_is_not_signed_in_on_the_oauth_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    application = await make_app(runtime, owner)
    await signed_in_client(client, person.login)
    await set_active(runtime, person, False)
    params = _authorize_params(application.application.client_id)
    page = await client.get("/oauth/authorize", params=params)
    assert 'name="password"' in page.text and 'value="approve"' not in page.text
