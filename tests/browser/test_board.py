"""An assignor in a real browser on the games board: signs in, opens Board from the Assigning
navigation, sees this week's games with their slot chips (states in words), filters by team,
clears the filter and goes to next week. The API agrees with the chips. axe and screenshots
on every page state."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from refdesk.server.web.board_filters import monday
from tests.support.browser import BrowserServer, Check, sign_in
from tests.support.oauth import PASSWORD
from tests.support.web_board import ZONE, act, board_site, game_on, local, slots_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_assignor_reads_the_board_filters_and_goes_to_next_week(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    runtime = browser_server.runtime
    today = datetime.now(ZoneInfo(ZONE)).date()
    async with browser_server.client() as api:
        desk = await board_site(api, runtime, name=f"Board Referees {width}")
        tonight = await game_on(api, desk, local(today, 23, 30), 0)
        other = await game_on(api, desk, local(today, 22), 1, is_public="n")
        later = await game_on(api, desk, local(monday(today) + timedelta(days=9), 10), 2)
        referee, assistant, _ = slots_of(tonight)
        await act(api, desk, referee, "assign", user_id=desk.official.id)
        await act(api, desk, assistant, "assign", user_id=desk.partner.user.id)
        await act(api, desk, assistant, "accept")
        shown = await api.get(f"/api/v2/games/{tonight['id']}", headers=desk.assignor.headers)
        assigned = {a["id"]: a for a in shown.json()["_embedded"]["assignments"]}
        assert assigned[assistant]["accepted"] is True
        assert assigned[referee]["accepted"] is False

    await sign_in(page, browser_server.base_url, desk.assignor_login, PASSWORD, signed_in=False)
    await expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()
    await page.get_by_role("navigation", name="Assigning").get_by_role("link", name="Board").click()
    await expect(page.get_by_role("heading", name="Games board", level=1)).to_be_visible()
    card = page.locator(f"#game-{tonight['id']}")
    await expect(card).to_contain_text("Home 0 vs Away 0")
    await expect(card.get_by_role("link", name="Referee Robin Whistle pending")).to_have_attribute(
        "href", f"/board/slots/{referee}"
    )
    await expect(
        card.get_by_role("link", name="Assistant Referee Casey Flag accepted")
    ).to_be_visible()
    await expect(card.get_by_role("link", name="Assistant Referee vacant")).to_be_visible()
    await expect(page.locator(f"#game-{other['id']}")).to_contain_text("Not published")
    await expect(page.locator("#board-summary")).to_contain_text("2 games, 4 open slots this week")
    await check(page, "board-week")

    await page.get_by_label("Team").select_option(label="Home 1")
    await page.get_by_role("button", name="Show games").click()
    await expect(page.locator(f"#game-{tonight['id']}")).to_have_count(0)
    await expect(page.locator(f"#game-{other['id']}")).to_be_visible()
    await expect(page.locator("#board-summary")).to_contain_text("(filtered)")
    await check(page, "board-filtered")

    await page.goto(f"{browser_server.base_url}/board")
    await page.get_by_role("link", name="Next week").click()
    await expect(page.locator(f"#game-{later['id']}")).to_contain_text("Home 2 vs Away 2")
    await expect(page.locator(f"#game-{tonight['id']}")).to_have_count(0)
    await expect(page.locator("#board-summary")).to_contain_text("1 game, 3 open slots this week")
    await check(page, "board-next-week")
