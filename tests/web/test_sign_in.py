"""The web app's sign-in form, sign-out, its cookies and CSRF (issue 12, web foundation)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from refdesk.server.auth import browser_session
from refdesk.server.auth.browser_session import BrowserSession
from refdesk.server.config import Settings
from refdesk.server.runtime import Runtime
from tests.factories import create_account
from tests.support.app import client_for, make_settings
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import (
    BAD_LOGIN,
    SESSION,
    VISITOR_CSRF,
    cookie_flags,
    set_active,
    set_cookie,
    sign_in,
    sign_in_page,
    signed_in_client,
    signed_in_page,
    text_of,
)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, login_throttle_rules="3/3600")


async def test_visitor_sees_the_sign_in_form_with_a_csrf_cookie(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert sign_in_page(page)
    assert '<label for="login">Login or e-mail</label>' in page.text
    assert '<label for="password">Password</label>' in page.text
    assert 'href="#main"' in page.text and '<main id="main"' in page.text  # skip link
    assert cookie_flags(set_cookie(page, VISITOR_CSRF)) >= {"httponly", "secure", "samesite"}
    assert SESSION not in page.headers.get("set-cookie", "")


async def test_security_headers_on_every_page(client: httpx.AsyncClient, runtime: Runtime) -> None:
    person = await create_account(runtime, password=PASSWORD)
    visitor = await client.get("/")
    home = await signed_in_client(client, person.login)
    refused = await client.post("/site", data={"site_id": "1"})
    for page in (visitor, home, refused):
        csp = page.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
        assert page.headers["x-content-type-options"] == "nosniff"
    # no inline script or style for the policy to block
    assert "<script>" not in home.text and "<style" not in home.text and "style=" not in home.text


@pytest.mark.parametrize("by", ["login", "email"])
async def test_sign_in_by_login_or_email_sets_the_session_cookie(
    client: httpx.AsyncClient, runtime: Runtime, by: str
) -> None:
    person = await create_account(
        runtime, password=PASSWORD, login="casey.ref", email="casey@example.org"
    )
    answer = await sign_in(client, "casey.ref" if by == "login" else "Casey@Example.org")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = set_cookie(answer, SESSION)
    assert cookie_flags(cookie) >= {"httponly", "secure", "samesite", "path", "max-age"}
    assert "samesite=lax" in cookie.lower() and "path=/;" in cookie.lower() + ";"
    home = await client.get("/")
    assert signed_in_page(home)
    assert f"Signed in as {person.first_name} {person.last_name}" in home.text


async def test_wrong_password_unknown_login_and_deactivated_account_get_the_same_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    sleeper = await create_account(runtime, password=PASSWORD)
    await set_active(runtime, sleeper, False)
    wrong = await sign_in(client, person.login, "not the password")
    unknown = await sign_in(client, "nobody@example.org", PASSWORD)
    inactive = await sign_in(client, sleeper.login, PASSWORD)
    for answer in (wrong, unknown, inactive):
        assert answer.status_code == 200
        assert sign_in_page(answer) and BAD_LOGIN in answer.text
        assert SESSION not in answer.headers.get("set-cookie", "")
    assert text_of(wrong.text) == text_of(unknown.text) == text_of(inactive.text)
    assert f'value="{person.login}"' in wrong.text  # the login is filled in again


async def test_the_per_login_throttle_refuses_before_checking(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    for _ in range(3):
        assert BAD_LOGIN in (await sign_in(client, person.login, "guess")).text
    refused = await sign_in(client, person.login, PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert sign_in_page(refused) and "Too many sign-in attempts" in refused.text
    assert int(refused.headers["retry-after"]) > 0
    assert SESSION not in refused.headers.get("set-cookie", "")


async def test_sign_out_ends_the_session_in_this_browser(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    home = await signed_in_client(client, person.login)
    out = await client.post("/sign-out", data={"csrf_token": csrf_of(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/"
    cleared = set_cookie(out, SESSION)
    assert "max-age=0" in cleared.lower() or "expires=thu, 01 jan 1970" in cleared.lower()
    assert sign_in_page(await client.get("/"))


async def test_posts_without_a_valid_csrf_token_are_refused(
    client: httpx.AsyncClient, runtime: Runtime, app: Any
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    page = await client.get("/")
    forged = {"login": person.login, "password": PASSWORD}
    for data in (forged, {**forged, "csrf_token": "0" * 64}):
        refused = await client.post("/sign-in", data=data)
        assert refused.status_code == 403
        assert "Request refused" in refused.text and "Nothing was changed" in refused.text
        assert SESSION not in refused.headers.get("set-cookie", "")
    # a token without its cookie (another browser) is refused too
    async with client_for(app) as other:
        data = {**forged, "csrf_token": csrf_of(page.text)}
        assert (await other.post("/sign-in", data=data)).status_code == 403
    home = await signed_in_client(client, person.login)
    for path in ("/sign-out", "/site"):
        refused = await client.post(path, data={"site_id": "1"})
        assert refused.status_code == 403, path
        # the visitor's sign-in token is not the session's
        stale = await client.post(path, data={"csrf_token": csrf_of(page.text)})
        assert stale.status_code == 403, path
    assert signed_in_page(await client.get("/"))  # still signed in
    assert csrf_of(home.text) != csrf_of(page.text)


def _cookie(runtime: Runtime, browser: BrowserSession) -> str:
    return browser_session.encode(runtime.hasher, browser)


async def _home_with(app: Any, value: str) -> httpx.Response:
    async with client_for(app) as browser:  # a jar of its own: only this cookie
        return await browser.get("/", headers={"Cookie": f"{SESSION}={value}"})


async def test_tampered_and_expired_cookies_are_a_visitor(
    client: httpx.AsyncClient, runtime: Runtime, app: Any
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    other = await create_account(runtime, password=PASSWORD)
    await signed_in_client(client, person.login)
    good = client.cookies[SESSION]
    live = browser_session.decode(runtime.hasher, good)
    assert live is not None and live.account_id == person.id
    # another account's id under the old signature
    payload, _, signature = good.rpartition(".")
    parts = payload.split(".")
    parts[1] = str(other.id)
    expired = BrowserSession(person.id, int(time.time()) - 1, live.generation, None, live.nonce)
    for value in (
        ".".join(parts) + "." + signature,
        good[:-1] + ("0" if good[-1] != "0" else "1"),
        _cookie(runtime, expired),
        "garbage",
    ):
        assert sign_in_page(await _home_with(app, value)), value
    assert signed_in_page(await _home_with(app, good))
