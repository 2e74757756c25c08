"""The assigning panel in a real browser: an assignor signs in, opens a vacant slot's panel,
sees a candidate explained as not available, assigns another candidate with the keyboard (focus
on the button, Enter), sees the notice and the holder, and the API shows the holder; then
unassigns. axe and screenshots on every state."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import BrowserServer, Check, sign_in
from tests.support.oauth import PASSWORD
from tests.support.web_assigning import api_slot, holder_of, make_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_assignor_assigns_a_candidate_by_keyboard(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    async with browser_server.client() as api:
        panel = await make_panel(api, browser_server.runtime, name=f"Valley Referees {width}")

        await sign_in(page, browser_server.base_url, panel.assignor, PASSWORD, signed_in=False)
        await expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()

        await page.goto(f"{browser_server.base_url}{panel.href}")
        await expect(page.get_by_role("heading", name="Assign Referee", level=1)).to_be_visible()
        await expect(page.get_by_text("times in America/Los_Angeles")).to_be_visible()
        await expect(page.locator(".holder")).to_have_text("nobody (vacant)")
        busy = page.locator(f"#candidate-{panel.busy.id}")
        await expect(busy).to_contain_text("Not available: no availability entry covers")
        away = page.locator(f"#candidate-{panel.away.id}")
        await expect(away).to_contain_text("Elsewhere: already holds a slot in another game")
        await expect(page.locator(f"#candidate-{panel.avail.id}")).to_contain_text("No conflicts.")
        await check(page, "assign-vacant")

        button = page.get_by_role("button", name="Assign Alex Avail")
        await button.focus()
        await expect(button).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("status")).to_contain_text(
            "Assigned Alex Avail on Referee, Hawks vs Falcons"
        )
        await expect(page.locator(".holder")).to_have_text("Alex Avail")
        await expect(page.get_by_role("button", name="Replace with Blair Busy")).to_be_visible()
        await check(page, "assign-assigned")
        assert holder_of(await api_slot(api, panel)) == panel.avail.id

        # the filter: hide candidates with conflicts (a plain GET form)
        await page.get_by_label("Hide candidates with conflicts").check()
        await page.get_by_role("button", name="Filter").click()
        await expect(busy).to_have_count(0)
        await expect(page.locator(f"#candidate-{panel.avail.id}")).to_be_visible()
        await check(page, "assign-filtered")

        await page.get_by_role("button", name="Unassign Alex Avail").click()
        await expect(page.get_by_role("status")).to_contain_text("Unassigned Alex Avail")
        await expect(page.locator(".holder")).to_have_text("nobody (vacant)")
        assert holder_of(await api_slot(api, panel)) is None
