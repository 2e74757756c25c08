"""An assignor imports a CSV of games in a real browser: chooses the file, sees the preview
with one invalid row, imports, sees the result; the API lists the games. Then the reports
page of a site with statements and a game report, and its CSV. axe and screenshots on each
state."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import BrowserServer, Check, sign_in
from tests.support.games import future_day, setup_site
from tests.support.oauth import PASSWORD
from tests.support.web_earnings import official_with_statements
from tests.support.web_import import set_password, site_games
from tests.support.web_reports import api_list, file_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HEADER = "user_defined_id,date,time,venue,home_team,away_team,age_group,pattern,league\n"


async def test_an_assignor_imports_a_csv_of_games(
    browser_server: BrowserServer, page: Page, check: Check, width: str, tmp_path: Path
) -> None:
    runtime = browser_server.runtime
    base = browser_server.base_url
    tag = uuid.uuid4().hex[:6]
    async with browser_server.client() as api:
        site_id, assignor = await setup_site(api, runtime, name="Harbor Referees")
        await set_password(runtime, assignor.account)
        day = future_day(12)
        common = "Riverside Park,{},{},U12 Boys,3 officials,Harbor League"
        csv_file = tmp_path / "spring games.csv"
        text = (
            HEADER
            + f"S-{tag}-1,{day},9:00 AM,{common.format('Hawks', 'Falcons')}\n"
            + f"S-{tag}-2,{day},11:00,{common.format('Owls', 'Larks')}\n"
            + f"S-{tag}-3,{day},13:00,{common.format('', 'Larks')}\n"
        )
        await asyncio.to_thread(csv_file.write_text, text, "utf-8")

        await sign_in(page, base, assignor.account.login, PASSWORD)
        await page.goto(base + "/board/import")
        await expect(page.get_by_role("heading", name="Import games")).to_be_visible()
        await check(page, "import-form")

        await page.get_by_label("CSV file").set_input_files(str(csv_file))
        await page.get_by_role("button", name="Upload and preview").click()
        await expect(page.get_by_role("heading", name="Preview")).to_be_visible()
        invalid = page.locator("#row-4")
        await expect(invalid).to_contain_text("Invalid")
        await expect(invalid).to_contain_text("missing home_team")
        await expect(page.locator("#row-2")).to_contain_text("New")
        await check(page, "import-preview")
        assert await site_games(api, site_id, assignor.headers) == []

        await page.get_by_role("button", name="Import 2 new games").click()
        await expect(page.get_by_role("heading", name="Imported", exact=True)).to_be_visible(
            timeout=30_000
        )
        await expect(page.get_by_text("2 imported, 0 skipped, 1 not imported")).to_be_visible()
        await expect(page.locator("#row-2")).to_contain_text("Imported")
        await expect(page.locator("#row-4")).to_contain_text("missing home_team")
        await check(page, "import-result")
        games = await site_games(api, site_id, assignor.headers)
        assert sorted(g["user_defined_id"] for g in games) == [f"S-{tag}-1", f"S-{tag}-2"]

        # the same file again: both games are recognised
        await page.goto(base + "/board/import")
        await page.get_by_label("CSV file").set_input_files(str(csv_file))
        await page.get_by_role("button", name="Upload and preview").click()
        await expect(page.locator("#row-2")).to_contain_text("Already imported")
        await expect(page.locator("#row-2")).to_be_visible()
        await expect(page.get_by_text("Already imported or duplicate")).to_be_visible()
        await expect(page.get_by_text("Nothing to import")).to_be_visible()


async def test_reports_and_statements(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    runtime = browser_server.runtime
    base = browser_server.base_url
    async with browser_server.client() as api:
        earned = await official_with_statements(api, runtime)
        desk = earned.desk
        headers = desk.assignor.headers
        await file_report(api, desk.games[1]["id"], headers, misconduct=True, text="Red card")
        await set_password(runtime, desk.assignor.account)
        await sign_in(page, base, desk.assignor.account.login, PASSWORD)
        await (
            page.get_by_role("navigation", name="Assigning")
            .get_by_role("link", name="Reports & statements")
            .click()
        )
        await expect(page).to_have_url(base + "/reports")
        await expect(page.get_by_role("table", name="Game reports of")).to_contain_text("Red card")
        statements = await api_list(
            api, f"/api/v2/sites/{desk.site_id}/statements", "statements", headers
        )
        table = page.get_by_role("table", name="Statements of")
        for s in statements:
            await expect(page.locator(f"#statement-{s['id']}")).to_contain_text(
                s["formatted_amount"]
            )
        await check(page, "reports-list")
        await page.get_by_label("Status").select_option("paid")
        await page.get_by_role("button", name="Show").click()
        await expect(page).to_have_url(base + "/reports?official=&status=paid")
        await expect(table.locator("tbody tr")).to_have_count(1)
        await check(page, "reports-filtered")
        async with page.expect_download() as event:
            await page.get_by_role("link", name="Download these statements (CSV)").click()
        download = await event.value
        assert download.suggested_filename == "refdesk-statements.csv"
        saved = Path(await download.path())
        content = await asyncio.to_thread(saved.read_text, "utf-8-sig")
        assert content.splitlines()[1].startswith(f"{earned.paid['id']},")
        assert len(content.splitlines()) == 2
