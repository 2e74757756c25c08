"""An official's earnings in a real browser: signs in, opens Earnings from the menu, sees the
statements the assignor made and paid through the API (and the fees not yet on one), and
downloads the CSV, whose rows are the API's line items. axe and screenshots on each state."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from refdesk.server.web.earnings import CSV_HEADER
from tests.support.browser import BrowserServer, Check, sign_in
from tests.support.oauth import PASSWORD
from tests.support.web import official_with_games
from tests.support.web_earnings import (
    api_statements,
    expected_csv,
    official_with_statements,
    read_csv,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_an_official_sees_statements_and_downloads_the_csv(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    runtime = browser_server.runtime
    async with browser_server.client() as api:
        # nothing earned yet
        newcomer = await official_with_games(api, runtime, [], name="Quiet League")
        await sign_in(page, browser_server.base_url, newcomer.account.login, PASSWORD)
        await page.get_by_role("link", name="Earnings").click()
        await expect(page.get_by_role("heading", name="Earnings", exact=True)).to_be_visible()
        await expect(page.get_by_text("No statements yet.")).to_be_visible()
        await check(page, "earnings-empty")
        await page.get_by_role("button", name="Sign out").click()

        earned = await official_with_statements(api, runtime)
        statements = await api_statements(api, earned.headers)
        await sign_in(page, browser_server.base_url, earned.desk.account.login, PASSWORD)
        await (
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Earnings").click()
        )
        await expect(page).to_have_url(browser_server.base_url + "/earnings")
        for statement in statements:
            heading = page.locator(f"#statement-{statement['id']}")
            await expect(heading).to_contain_text(statement["payor_name"])
            article = page.locator("article", has=heading)
            await expect(article).to_contain_text(statement["formatted_amount_paid"])
            for line in statement["line_items"]:
                await expect(article).to_contain_text(line["description"])
        totals = page.get_by_role("table", name="Paid and unpaid amounts of your statements")
        await expect(totals).to_contain_text("$65.50")
        await expect(totals).to_contain_text("$24.50")
        unbilled = page.get_by_role(
            "table", name="Fees of games up to today, not yet on a statement"
        )
        await expect(unbilled).to_contain_text("Home 2 vs Away 2")
        await check(page, "earnings-statements")

        async with page.expect_download() as event:
            await page.get_by_role("link", name="Download all line items (CSV)").click()
        download = await event.value
        assert download.suggested_filename == "refdesk-earnings.csv"
        saved = await download.path()
        rows = read_csv(await asyncio.to_thread(Path(saved).read_bytes))
        assert rows[0] == list(CSV_HEADER)
        assert rows[1:] == expected_csv(statements)
        assert len(rows) == 1 + sum(len(s["line_items"]) for s in statements)
