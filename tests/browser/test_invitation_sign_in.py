"""An invited person in a real browser: the assignor adds them through the API with
``send_authorization_email``; the server's worker writes the invitation e-mail; the person
opens its link in Chromium, sets a password, then signs in on ``/oauth/authorize`` (a wrong
password first), approves the consent, and the redirect's code is exchanged at the token
endpoint for a token of their own account. axe and screenshots on every page."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.async_api import Page, expect

from tests.factories import create_member, create_site
from tests.support.browser import BrowserServer, Check, links_in
from tests.support.oauth import pkce_pair, query_of
from tests.support.receiver import Received, receiver

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long browser password"


async def test_invited_person_sets_a_password_then_signs_in_and_approves(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    check = check.strict()  # these pages have no axe violation of any impact
    runtime = browser_server.runtime
    site = await create_site(runtime, name="Riverside Referees")
    assignor = await create_member(runtime, site, assignor=True, official=False)
    email = f"kim.{width}@example.org"
    async with browser_server.client() as api, receiver() as callback:
        redirect_uri = callback.url("/callback")
        app = await api.post(
            "/api/v2/current_account/applications",
            json={"name": "Kim's Calendar", "redirect_uris": [redirect_uri], "scopes": "read"},
            headers=assignor.headers,
        )
        assert app.status_code == 201, app.text
        client_id, client_secret = app.json()["client_id"], app.json()["client_secret"]
        created = await api.post(
            f"/api/v2/sites/{site.id}/users",
            json={
                "first_name": "Kim",
                "last_name": "Park",
                "email": email,
                "send_authorization_email": "true",
            },
            headers=assignor.headers,
        )
        assert created.status_code == 201, created.text
        assert created.json()["password_set"] == "false"

        # The invitation e-mail, as the server's worker wrote it.
        mail = await browser_server.wait_for_mail(email, "invitation")
        (link,) = links_in(mail, r"/invitations\?token=")
        assert link.startswith(browser_server.base_url)

        await page.goto(link)
        await expect(page.get_by_role("heading", name="Set your refdesk password")).to_be_visible()
        await check(page, "invitation-form")
        await page.get_by_label("New password").fill(PASSWORD)
        await page.get_by_label("Repeat the password").fill("not the same password")
        await page.get_by_role("button", name="Set password").click()
        await expect(page.get_by_role("alert")).to_have_text("The two passwords differ.")
        await check(page, "invitation-form-error")
        await page.get_by_label("New password").fill(PASSWORD)
        await page.get_by_label("Repeat the password").fill(PASSWORD)
        await page.get_by_role("button", name="Set password").click()
        # The link signed the person in: their home page, with a notice.
        await expect(page.get_by_role("heading", name="Home")).to_be_visible()
        await expect(page.get_by_role("status")).to_contain_text("Your password is set")
        await check(page, "invitation-done")
        await page.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("heading", name="Sign in to refdesk")).to_be_visible()

        # The link is used up.
        again = await page.goto(link)
        assert again is not None and again.status == 200
        await expect(
            page.get_by_role("heading", name="This invitation was already used")
        ).to_be_visible()
        await check(page, "invitation-used")

        verifier, challenge = pkce_pair()
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "read",
            "state": f"state-{width}",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        await page.goto(f"{browser_server.base_url}/oauth/authorize?{urlencode(query)}")
        await expect(page.get_by_role("heading", name="Sign in to refdesk")).to_be_visible()
        await check(page, "oauth-login")
        await page.get_by_label("Login or e-mail").fill(email)
        await page.get_by_label("Password").fill("not my password")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("alert")).to_contain_text("incorrect")
        await check(page, "oauth-login-error")
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("heading", name="Authorize application")).to_be_visible()
        await expect(page.get_by_text(email)).to_be_visible()
        await check(page, "oauth-consent")
        await page.get_by_role("button", name="Approve").click()

        # Chromium follows the 302 to the application's (loopback) redirect URI.
        # (Chromium may also ask that server for /favicon.ico.)
        def redirected(got: list[Received]) -> list[Received]:
            return [r for r in got if r.path.startswith("/callback?")]

        got = await callback.wait_for(lambda got: bool(redirected(got)), within=30)
        (arrived,) = redirected(got)
        await expect(page).to_have_url(f"{redirect_uri}?{arrived.path.split('?', 1)[1]}")
        params = query_of(arrived.path)
        assert params["state"] == f"state-{width}"

        token = await api.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": params["code"],
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )
        assert token.status_code == 200, token.text
        assert token.json()["scope"] == "read"
        me = await api.get(
            "/api/v2/current_account",
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
        assert me.status_code == 200, me.text
        assert me.json()["email"] == email
        shown = await api.get(f"/api/v2/users/{created.json()['id']}", headers=assignor.headers)
        assert shown.json()["password_set"] == "true"
