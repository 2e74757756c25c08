"""An assignor's morning, end to end, in a real browser (issue 13's proof).

The assignor imports a CSV of games (a preview first, one row invalid), opens the board of the
games' day, opens a vacant slot from its chip, assigns an official from the candidate list by
keyboard, then ticks both games and publishes them. The official, in a second browser context,
gets the "assigned" e-mail (over SMTP, at the sink of the test process) and accepts the game
on My games. The assignor's board — never reloaded — shows the slot accepted, and the API
agrees.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.factories import create_account, create_user
from tests.support.browser import WIDTHS, BrowserServer, Check, sign_in
from tests.support.games import future_day, load_site, setup_site
from tests.support.oauth import PASSWORD
from tests.support.web_import import set_password

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HEADER = "user_defined_id,date,time,venue,home_team,away_team,age_group,pattern,league\n"


async def test_an_assignor_imports_assigns_publishes_and_sees_the_answer_live(
    browser_server: BrowserServer,
    chromium: Browser,
    page: Page,
    check: Check,
    width: str,
    tmp_path: Path,
) -> None:
    runtime, base = browser_server.runtime, browser_server.base_url
    tag = uuid.uuid4().hex[:6]
    day = future_day(9)
    async with browser_server.client() as api:
        site_id, assignor = await setup_site(
            api, runtime, name=f"Valley Referees {width}", timezone="America/Phoenix"
        )
        await set_password(runtime, assignor.account)
        site = await load_site(runtime, site_id)
        email = f"sam.story.{tag}@example.org"
        account = await create_account(
            runtime, password=PASSWORD, email=email, first_name="Sam", last_name="Keeper"
        )
        official = await create_user(runtime, site, account, official=True)

        # 1. Import: the preview shows the invalid row, then two games are created.
        common = "Valley Park,{},{},U12 Boys,3 officials,Valley League"
        csv_file = tmp_path / "games.csv"
        text = (
            HEADER
            + f"V-{tag}-1,{day},9:00 AM,{common.format('Hawks', 'Falcons')}\n"
            + f"V-{tag}-2,{day},11:00 AM,{common.format('Owls', 'Larks')}\n"
            + f"V-{tag}-3,{day},1:00 PM,{common.format('', 'Larks')}\n"
        )
        await asyncio.to_thread(csv_file.write_text, text, "utf-8")
        await sign_in(page, base, assignor.account.login, PASSWORD)
        await (
            page.get_by_role("navigation", name="Assigning")
            .get_by_role("link", name="Board")
            .click()
        )
        await page.get_by_role("link", name="Import CSV").click()
        await page.get_by_label("CSV file").set_input_files(str(csv_file))
        await page.get_by_role("button", name="Upload and preview").click()
        await expect(page.locator("#row-4")).to_contain_text("Invalid")
        await page.get_by_role("button", name="Import 2 new games").click()
        await expect(page.get_by_text("2 imported, 0 skipped, 1 not imported")).to_be_visible(
            timeout=30_000
        )
        listed = await api.get(
            f"/api/v2/sites/{site_id}/games",
            params={"search[start_date]": day, "search[end_date]": day},
            headers=assignor.headers,
        )
        games = {g["user_defined_id"]: g for g in listed.json()["_embedded"]["games"]}
        first, second = games[f"V-{tag}-1"], games[f"V-{tag}-2"]
        slot = first["_embedded"]["assignments"][0]["id"]

        # 2. The board of that day: the vacant Referee chip opens the assigning panel.
        await page.goto(f"{base}/board?day={day}")
        chips = page.locator(f"#chips-{first['id']}")
        await expect(chips).to_contain_text("Referee vacant")
        await check(page, "story-board")
        await chips.get_by_role("link", name="Referee vacant", exact=True).click()
        await expect(page.get_by_role("heading", name="Assign Referee", level=1)).to_be_visible()
        button = page.get_by_role("button", name="Assign Sam Keeper")
        await button.focus()
        await check(page, "story-assigning")
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("status")).to_contain_text("Assigned Sam Keeper")

        # 3. Back on the board: tick both games and publish them together.
        await page.goto(f"{base}/board?day={day}")
        await page.locator(f"#pick-{first['id']}").check()
        await page.locator(f"#pick-{second['id']}").check()
        await page.get_by_role("button", name="Publish", exact=True).click()
        await expect(page.get_by_role("status")).to_contain_text("Published 2 games")
        chips = page.locator(f"#chips-{first['id']}")
        await expect(chips).to_contain_text("Sam Keeper pending (not answered)")
        await page.evaluate("() => { window.notReloaded = true; }")

        # 4. The official, in another browser context: the e-mail, then accept on My games.
        mail = await browser_server.wait_for_mail(email, "assigned")
        assert "Hawks" in str(mail.get_body(preferencelist=("plain",)))
        other = await chromium.new_context(**WIDTHS[width], ignore_https_errors=True)
        try:
            theirs = await other.new_page()
            await sign_in(theirs, base, account.login, PASSWORD)
            await theirs.goto(f"{base}/games")
            card = theirs.locator(f"#game-{first['id']}")
            await card.get_by_role("button", name="Accept", exact=True).click()
            await expect(theirs.get_by_role("status")).to_contain_text("You accepted Hawks")
        finally:
            await other.close()

        # 5. The assignor's board shows it by itself (board.js), without a reload.
        await expect(chips).to_contain_text("Sam Keeper accepted", timeout=30_000)
        assert await page.evaluate("() => window.notReloaded === true")
        await check(page, "story-board-accepted")
        shown = await api.get(f"/api/v2/assignments/{slot}", headers=assignor.headers)
        assert shown.json()["accepted"] is True
        assert shown.json()["_embedded"]["official"]["id"] == official.id
