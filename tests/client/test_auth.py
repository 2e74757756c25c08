"""OAuth through the SDK against the real /oauth endpoints: client credentials with caching and
renewal (before expiry, and once on 401), and authorization code + PKCE with refresh."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from refdesk.client import PKCE, BadRequest, Token, Unauthorized
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site
from tests.support.sdk import SDK, make_oauth_app

TOKEN_PATH = "/oauth/token"
REDIRECT = "https://client.example.org/cb"
PASSWORD = "correct horse battery"


async def test_client_credentials_token_is_cached_and_reused(sdk: SDK, runtime: Runtime) -> None:
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    oauth = await make_oauth_app(runtime, member.account.id)
    api = sdk(client_id=oauth.client_id, client_secret=oauth.client_secret, scope="read write")
    assert api.client.token is None

    me = await api(lambda c: c.current_account.get())
    assert me.id == member.account.id
    token = api.client.token
    assert token is not None and re.fullmatch(r"[0-9a-f]{64}", token.access_token)
    assert token.scope == "read write"
    assert token.access_token not in repr(token)  # tokens never end up in logs by repr
    await api(lambda c: c.sites.get(site.id))
    assert api.wire.count("POST", TOKEN_PATH) == 1
    fresh = await api(lambda c: c.fetch_token())
    assert fresh.access_token != token.access_token and api.client.token is fresh
    assert api.wire.count("POST", TOKEN_PATH) == 2
    # The token request is a form POST with the client's credentials in the body.
    token_exchange = next(e for e in api.wire.log if e.path == TOKEN_PATH)
    assert token_exchange.request_headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in token_exchange.request_headers


async def test_token_is_renewed_before_it_expires(sdk: SDK, runtime: Runtime) -> None:
    account = await create_account(runtime)
    oauth = await make_oauth_app(runtime, account.id)
    # A margin longer than the token lifetime (7200 s): every token is "about to expire".
    api = sdk(client_id=oauth.client_id, client_secret=oauth.client_secret, renew_margin=7300)
    await api(lambda c: c.current_account.get())
    first = api.client.token
    await api(lambda c: c.current_account.get())
    assert api.wire.count("POST", TOKEN_PATH) == 2
    assert api.client.token is not None and first is not None
    assert api.client.token.access_token != first.access_token


async def test_revoked_token_is_renewed_once_on_401(
    sdk: SDK, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    account = await create_account(runtime)
    oauth = await make_oauth_app(runtime, account.id)
    api = sdk(client_id=oauth.client_id, client_secret=oauth.client_secret)
    await api(lambda c: c.current_account.get())
    old = api.client.token
    assert old is not None
    revoked = await client.post(
        "/oauth/revoke",
        data={
            "token": old.access_token,
            "client_id": oauth.client_id,
            "client_secret": oauth.client_secret or "",
        },
    )
    assert revoked.status_code == 200, revoked.text

    me = await api(lambda c: c.current_account.get())
    assert me.id == account.id
    assert api.wire.statuses("/api/v2/current_account") == [200, 401, 200]
    assert api.wire.count("POST", TOKEN_PATH) == 2
    assert api.client.token is not None and api.client.token.access_token != old.access_token


async def test_bad_client_secret_and_fixed_tokens_raise_unauthorized(
    sdk: SDK, runtime: Runtime
) -> None:
    account = await create_account(runtime)
    oauth = await make_oauth_app(runtime, account.id)
    api = sdk(client_id=oauth.client_id, client_secret="not-the-secret")
    with pytest.raises(Unauthorized) as failed:
        await api(lambda c: c.current_account.get())
    assert failed.value.code == "invalid_client"
    assert api.wire.statuses() == [401]  # no API request was attempted without a token

    api = sdk(token="f" * 64, client_id=None)
    with pytest.raises(Unauthorized):
        await api(lambda c: c.current_account.get())
    assert api.wire.statuses() == [401]  # a fixed token cannot be renewed: no second try


def _hidden_fields(page: str) -> dict[str, str]:
    pattern = r'<input type="hidden" name="([^"]+)" value="([^"]*)">'
    return {k: html.unescape(v) for k, v in re.findall(pattern, page)}


async def _approve(browser: httpx.AsyncClient, url: str, login: str) -> str:
    """Play the resource owner: open the authorization URL, log in, approve; return the code."""
    page = await browser.get(url)
    assert page.status_code == 200, page.text
    form = _hidden_fields(page.text)
    form.update(login=login, password=PASSWORD)
    consent = await browser.post("/oauth/authorize", data=form)
    assert consent.status_code == 200, consent.text
    form = _hidden_fields(consent.text)
    form["decision"] = "approve"
    redirect = await browser.post("/oauth/authorize", data=form)
    assert redirect.status_code == 302, redirect.text
    location = redirect.headers["location"]
    assert location.startswith(REDIRECT)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


@pytest.mark.parametrize("confidential", [True, False])
async def test_authorization_code_with_pkce_then_refresh(
    sdk: SDK, runtime: Runtime, client: httpx.AsyncClient, confidential: bool
) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    oauth = await make_oauth_app(
        runtime, owner.id, confidential=confidential, redirect_uris=[REDIRECT]
    )
    api = sdk(client_id=oauth.client_id, client_secret=oauth.client_secret)

    pkce = PKCE.generate()
    url = api.client.authorization_url(REDIRECT, scope="read write", state="xyz", pkce=pkce)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://testserver/oauth/authorize"
    query = parse_qs(parts.query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"] == [pkce.challenge] and len(pkce.challenge) == 43

    code = await _approve(client, url, person.login)
    token = await api(
        lambda c: c.exchange_code(code, redirect_uri=REDIRECT, code_verifier=pkce.verifier)
    )
    assert isinstance(token, Token) and token.refresh_token
    me = await api(lambda c: c.current_account.get())
    assert me.id == person.id  # the token acts for the person who approved

    refreshed = await api(lambda c: c.refresh())
    assert refreshed.refresh_token and refreshed.refresh_token != token.refresh_token
    assert refreshed.access_token != token.access_token
    assert (await api(lambda c: c.current_account.get())).id == person.id

    # The code is single-use.
    with pytest.raises(BadRequest) as reused:
        await api(
            lambda c: c.exchange_code(code, redirect_uri=REDIRECT, code_verifier=pkce.verifier)
        )
    assert reused.value.code == "invalid_grant"


async def test_expired_access_token_is_renewed_with_the_refresh_token(
    sdk: SDK, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    oauth = await make_oauth_app(runtime, owner.id, redirect_uris=[REDIRECT])
    api = sdk(client_id=oauth.client_id, client_secret=oauth.client_secret)
    pkce = PKCE.generate()
    code = await _approve(
        client, api.client.authorization_url(REDIRECT, state="xyz", pkce=pkce), person.login
    )
    first = await api(
        lambda c: c.exchange_code(code, redirect_uri=REDIRECT, code_verifier=pkce.verifier)
    )
    # Saved and reloaded later: an already expired access token with its refresh token.
    saved = first.to_dict()
    saved["expires_in"] = 0
    api.client.token = Token.from_dict(saved)
    me = await api(lambda c: c.current_account.get())
    assert me.id == person.id
    grants = [e for e in api.wire.log if e.path == TOKEN_PATH]
    assert len(grants) == 2  # the code exchange, then one refresh grant
    assert api.client.token is not None
    assert api.client.token.refresh_token != first.refresh_token
