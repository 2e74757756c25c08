"""The account page in a real browser: an official signs in, opens "Account" from the menu,
changes their name (a taken e-mail first: the message shows by the field), turns one e-mail
off, revokes a connected application, changes the password, signs out, is refused with the
old password and signs in with the new one. The API shows each change; axe and screenshots
on every state."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.factories import create_account, create_site, create_token, create_user
from tests.support.browser import BrowserServer, Check, sign_in
from tests.support.web_account import bearer, new_application, token_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "an old browser password"
NEW_PASSWORD = "a new browser password"


async def test_official_changes_name_and_password_then_signs_in_again(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    check = check.strict()  # this page has no axe violation of any impact
    runtime = browser_server.runtime
    base = browser_server.base_url
    site = await create_site(runtime, name="Lakeside Officials", timezone="America/Chicago")
    person = await create_account(
        runtime,
        password=PASSWORD,
        login=f"jo.{width}@example.org",
        email=f"jo.{width}@example.org",
        first_name="Jo",
        last_name="Rivera",
    )
    user = await create_user(runtime, site, person, official=True)
    taken = await create_account(runtime)
    owner = await create_account(runtime)
    tracker = await new_application(runtime, owner, "Fee Tracker")
    tracker_token = await token_of(runtime, tracker, person, "read")
    own_token = await create_token(runtime, person)

    async with browser_server.client() as api:
        await sign_in(page, base, person.login, PASSWORD, signed_in=False)
        await page.get_by_role("link", name="Account").click()
        await expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
        await expect(page.get_by_role("heading", name="Fee Tracker")).to_be_visible()
        await check(page, "account")

        # A taken e-mail address: the form comes back with the message by the field.
        await page.get_by_label("First name").fill("Jordan")
        await page.get_by_label("E-mail address").fill(taken.email)
        await page.locator("#profile-current_password").fill(PASSWORD)
        await page.get_by_role("button", name="Save name and e-mail").click()
        await expect(page.locator("#profile-email-error")).to_have_text(
            "E-mail address has already been taken"
        )
        await expect(page.get_by_label("First name")).to_have_value("Jordan")
        await check(page, "account-profile-error")

        await page.get_by_label("E-mail address").fill(person.email)
        await page.get_by_role("button", name="Save name and e-mail").click()
        await expect(page.get_by_role("status")).to_have_text(
            "Your name and e-mail address are saved."
        )
        await expect(page.get_by_text("Signed in as Jordan Rivera")).to_be_visible()
        me = await api.get("/api/v2/current_account", headers=bearer(own_token))
        assert (me.json()["first_name"], me.json()["email"]) == ("Jordan", person.email)

        # One e-mail off in the site.
        await page.get_by_label("A reminder before each of my games").uncheck()
        await page.get_by_role("button", name="Save e-mail choices for Lakeside Officials").click()
        await expect(page.get_by_role("status")).to_have_text(
            "Your e-mail choices for Lakeside Officials are saved."
        )
        await expect(page.get_by_label("A reminder before each of my games")).not_to_be_checked()
        shown = await api.get(f"/api/v2/users/{user.id}", headers=bearer(own_token))
        assert shown.json()["notification_preferences"]["reminder"] is False

        # Revoke the connected application: its token stops working.
        await page.get_by_role("button", name="Revoke access of Fee Tracker").click()
        await expect(page.get_by_role("status")).to_have_text(
            "Fee Tracker no longer has access to your account."
        )
        gone = await api.get("/api/v2/current_account", headers=bearer(tracker_token))
        assert gone.status_code == 401
        await check(page, "account-saved")

        # A new password: the repeat must match, then it is changed and this browser stays in.
        await page.locator("#password-current_password").fill(PASSWORD)
        await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        await page.get_by_label("Repeat the new password").fill("not the same password")
        await page.get_by_role("button", name="Change password").click()
        await expect(page.locator("#password-password_confirmation-error")).to_have_text(
            "The repeated password doesn't match the new password"
        )
        # the page opened at the form with its message (its action names the section)
        assert page.url.endswith("/account/password#password-heading")
        await check(page, "account-password-error")
        await page.locator("#password-current_password").fill(PASSWORD)
        await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        await page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
        await page.get_by_role("button", name="Change password").click()
        await expect(page.get_by_role("status")).to_contain_text("Your password is changed.")
        await check(page, "account-password-changed")

        await page.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("heading", name="Sign in to refdesk")).to_be_visible()
        await sign_in(page, base, person.login, PASSWORD, signed_in=False)
        await expect(page.get_by_role("alert")).to_contain_text("incorrect")
        await sign_in(page, base, person.login, NEW_PASSWORD, signed_in=False)
        await expect(page.get_by_text("Signed in as Jordan Rivera")).to_be_visible()
        await page.get_by_role("link", name="Account").click()
        await expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
        await expect(page.get_by_role("heading", name="Fee Tracker")).to_have_count(0)
        await check(page, "account-signed-in-again")
