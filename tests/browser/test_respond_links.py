"""The accept and decline links of an ``assigned`` e-mail in a real browser: the assignor
assigns two officials through the API, the server's in-process worker writes their e-mails,
one official accepts and the other declines (with a reason) in Chromium, and the API shows
both answers. axe and screenshots on every page (the confirm forms, the answers, a used
link)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import BrowserServer, Check, links_in
from tests.support.notify import assign, build_desk

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_official_accepts_and_another_declines_from_their_emails(
    browser_server: BrowserServer, page: Page, check: Check
) -> None:
    check = check.strict()  # these pages have no axe violation of any impact
    async with browser_server.client() as api:
        desk = await build_desk(api, browser_server.runtime, officials=2)
        first, second = desk.officials
        accept_slot, decline_slot = desk.slot_ids[:2]
        await assign(api, desk, accept_slot, first)
        await assign(api, desk, decline_slot, second)

        mail = await browser_server.wait_for_mail(first.account.email, "assigned")
        (accept,) = links_in(mail, r"/respond/a-")
        assert accept.startswith(browser_server.base_url)
        await page.goto(accept)
        await expect(page.get_by_role("heading", name="Accept this game?")).to_be_visible()
        await expect(page.get_by_text("Hawks vs Falcons")).to_be_visible()
        await check(page, "respond-accept-form")
        await page.get_by_role("button", name="Accept this game").click()
        await expect(page.get_by_role("heading", name="Game accepted")).to_be_visible()
        await check(page, "respond-accepted")

        mail = await browser_server.wait_for_mail(second.account.email, "assigned")
        (decline,) = links_in(mail, r"/respond/d-")
        await page.goto(decline)
        await expect(page.get_by_role("heading", name="Decline this game?")).to_be_visible()
        await check(page, "respond-decline-form")
        await page.get_by_label("Reason").fill("Out of town that weekend")
        await page.get_by_role("button", name="Decline this game").click()
        await expect(page.get_by_role("heading", name="Game declined")).to_be_visible()
        await check(page, "respond-declined")

        # A used link says so.
        await page.goto(accept)
        await expect(
            page.get_by_role("heading", name="This link can no longer be used")
        ).to_be_visible()
        await check(page, "respond-used")

        accepted = await api.get(
            f"/api/v2/assignments/{accept_slot}", headers=desk.assignor.headers
        )
        assert accepted.status_code == 200, accepted.text
        assert (accepted.json()["accepted"], accepted.json()["declined"]) == (True, False)
        declined = await api.get(
            f"/api/v2/assignments/{decline_slot}", headers=desk.assignor.headers
        )
        assert (declined.json()["accepted"], declined.json()["declined"]) == (False, True)
