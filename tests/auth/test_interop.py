"""Interoperability with a third-party OAuth client: authlib's httpx AsyncOAuth2Client."""

from __future__ import annotations

import secrets
import warnings
from typing import Any

import authlib.deprecate
import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_site, create_user
from tests.support.app import BASE_URL
from tests.support.oauth import REDIRECT, Owner, login_and_consent, make_app

# authlib warns that it prefers "httpx2" (it installs an "always" filter on import).
assert authlib.deprecate
with warnings.catch_warnings():
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

TOKEN_URL = f"{BASE_URL}/oauth/token"
AUTHORIZE_URL = f"{BASE_URL}/oauth/authorize"
REVOKE_URL = f"{BASE_URL}/oauth/revoke"


def transport(app: Any) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))


async def test_client_credentials(app: Any, runtime: Runtime, people: Owner) -> None:
    site = await create_site(runtime)
    await create_user(runtime, site, people.owner, assignor=True)
    new = await make_app(runtime, people.owner)
    async with AsyncOAuth2Client(
        client_id=new.application.client_id,
        client_secret=new.client_secret,
        scope="read write",
        transport=transport(app),
        base_url=BASE_URL,
    ) as oauth:
        token = await oauth.fetch_token(TOKEN_URL, grant_type="client_credentials")
        assert token["token_type"] == "Bearer"
        assert token["scope"] == "read write"
        me = await oauth.get("/api/v2/current_account")
        assert me.status_code == 200
        assert me.json()["id"] == people.owner.id
        sites = await oauth.get("/api/v2/sites")
        assert sites.status_code == 200, sites.text
        assert [s["id"] for s in sites.json()["_embedded"]["sites"]] == [site.id]
        # client_secret_post works as well as the default client_secret_basic.
        oauth.token_endpoint_auth_method = "client_secret_post"
        again = await oauth.fetch_token(TOKEN_URL, grant_type="client_credentials")
        assert again["access_token"] != token["access_token"]
        await oauth.revoke_token(REVOKE_URL, token=again["access_token"])
        revoked = await oauth.get("/api/v2/current_account")
        assert revoked.status_code == 401


async def test_authorization_code_with_pkce(app: Any, runtime: Runtime, people: Owner) -> None:
    site = await create_site(runtime)
    await create_user(runtime, site, people.person)
    new = await make_app(runtime, people.owner, confidential=False, redirect_uris=[REDIRECT])
    verifier = secrets.token_urlsafe(48)
    async with AsyncOAuth2Client(
        client_id=new.application.client_id,
        token_endpoint_auth_method="none",
        redirect_uri=REDIRECT,
        scope="read",
        code_challenge_method="S256",
        transport=transport(app),
        base_url=BASE_URL,
    ) as oauth:
        url, state = oauth.create_authorization_url(AUTHORIZE_URL, code_verifier=verifier)
        # The resource owner's browser: a plain httpx client keeping cookies.
        async with httpx.AsyncClient(transport=transport(app), base_url=BASE_URL) as browser:
            params = dict(httpx.URL(url).params)
            assert params["code_challenge_method"] == "S256"
            response = await login_and_consent(browser, params, people.person.login)
        assert response.status_code == 302
        callback = response.headers["location"]
        assert callback.startswith(REDIRECT)
        token = await oauth.fetch_token(
            TOKEN_URL, authorization_response=callback, code_verifier=verifier, state=state
        )
        assert token["scope"] == "read"
        assert "refresh_token" in token
        me = await oauth.get("/api/v2/current_account")
        assert me.status_code == 200
        assert me.json()["id"] == people.person.id
        sites = await oauth.get("/api/v2/sites")
        assert sites.status_code == 200
        assert [s["id"] for s in sites.json()["_embedded"]["sites"]] == [site.id]
        refreshed = await oauth.refresh_token(TOKEN_URL)
        assert refreshed["refresh_token"] != token["refresh_token"]
        assert (await oauth.get("/api/v2/current_account")).status_code == 200
