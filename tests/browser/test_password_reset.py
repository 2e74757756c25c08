"""Password reset in a real browser, and a form sent without its CSRF token.

A person who forgot their password follows "Forgot your password?" from the sign-in form,
asks for a link (an unknown address gets the very same page), opens the e-mail the server
sent to the SMTP sink, chooses a new password and lands on their home page signed in; the
old password no longer signs in, the new one does, and the used link says what to do.
Then, signed in, a POST without the form's CSRF token is refused with the 403 page and
changes nothing (the person is still signed in)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.factories import create_account, create_site, create_user
from tests.support.browser import BrowserServer, Check, links_in, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OLD = "the old browser password"
NEW = "a brand new browser password"


async def test_a_forgotten_password_is_reset_from_the_emailed_link(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    check = check.strict()
    runtime, base = browser_server.runtime, browser_server.base_url
    site = await create_site(runtime, name="Lakeside Referees")
    email = f"robin.{width}@example.org"
    account = await create_account(
        runtime, password=OLD, email=email, first_name="Robin", last_name="Diaz"
    )
    await create_user(runtime, site, account, official=True)

    await page.goto(f"{base}/")
    await page.get_by_role("link", name="Forgot your password?").click()
    await expect(page.get_by_role("heading", name="Reset your refdesk password")).to_be_visible()
    await check(page, "reset-request")
    await page.get_by_label("Login or e-mail").fill(email)
    await page.get_by_role("button", name="Send the link").click()
    await expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    answered = await page.locator("main, body").first.inner_text()
    await check(page, "reset-requested")

    # An address without an account: the same page, word for word.
    await page.goto(f"{base}/password-reset")
    await page.get_by_label("Login or e-mail").fill(f"nobody.{width}@example.org")
    await page.get_by_role("button", name="Send the link").click()
    await expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert await page.locator("main, body").first.inner_text() == answered

    mail = await browser_server.wait_for_mail(email, "password_reset")
    (link,) = links_in(mail, r"/password-reset/new\?token=")
    await page.goto(link)
    await expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    await check(page, "reset-form")
    await page.get_by_label("New password").fill(NEW)
    await page.get_by_label("Repeat the password").fill(NEW)
    await page.get_by_role("button", name="Set password").click()
    await expect(page.get_by_role("heading", name="Home")).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("Every other session has ended")
    await expect(page.get_by_text("Signed in as Robin Diaz")).to_be_visible()
    await check(page, "reset-signed-in")

    # The link is used up: a page that says what to do.
    await page.goto(link)
    await expect(page.get_by_role("heading", name="This link was already used")).to_be_visible()
    await expect(page.get_by_role("link", name="Ask for a new password-reset link")).to_be_visible()
    await check(page, "reset-link-used")

    await page.goto(f"{base}/")
    await page.get_by_role("button", name="Sign out").click()
    await sign_in(page, base, email, OLD, signed_in=False)
    await expect(page.get_by_role("alert")).to_have_text("The login or password is incorrect")
    await sign_in(page, base, email, NEW, signed_in=False)
    await expect(page.get_by_role("heading", name="Home")).to_be_visible()


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    runtime, base = browser_server.runtime, browser_server.base_url
    site = await create_site(runtime, name="Hillside Referees")
    account = await create_account(
        runtime, password=OLD, first_name="Sam", last_name=f"Lee {width}"
    )
    await create_user(runtime, site, account, official=True)
    await sign_in(page, base, account.login, OLD, signed_in=False)
    await expect(page.get_by_role("heading", name="Home")).to_be_visible()

    # The browser's own cookies go with it (as a cross-site form would send them under
    # SameSite=Lax top-level navigation), but no token: refused.
    for form in ({}, {"csrf_token": "forged"}):
        answer = await page.request.post(f"{base}/sign-out", form=form)
        assert answer.status == 403
        assert "without a valid security token" in await answer.text()
    await page.goto(f"{base}/")
    await expect(page.get_by_text(f"Signed in as Sam Lee {width}")).to_be_visible()

    # The refusal page itself, as a person sees it: a form of this origin without the token.
    await page.evaluate(
        """() => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = "/sign-out";
            document.body.appendChild(form);
            form.submit();
        }"""
    )
    await expect(page.get_by_role("heading", name="Request refused")).to_be_visible()
    await check(page, "csrf-refused")
    await page.goto(f"{base}/")
    await expect(page.get_by_text(f"Signed in as Sam Lee {width}")).to_be_visible()
