"""The game editor in a real browser: an assignor signs in, sends the new-game form empty
(the messages by the fields), creates a game with new and existing names, then edits it in two
tabs of one browser: the first tab saves, the second tab's save gets the conflict screen
(what changed: yours / theirs / original) and "apply mine on top" saves its changes without
losing the first tab's. The API shows the game at each step. axe and screenshots on every
state."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import BrowserServer, Check, sign_in
from tests.support.games import make_game
from tests.support.oauth import PASSWORD
from tests.support.web_editor import make_office

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_create_then_a_concurrent_edit_in_two_tabs_gets_the_conflict_screen(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    async with browser_server.client() as api:
        office = await make_office(api, browser_server.runtime, timezone="America/New_York")
        await make_game(api, office.site_id, office.api.headers)  # Riverside Park, Hawks…
        day = (datetime.now(ZoneInfo("America/New_York")).date() + timedelta(days=9)).isoformat()
        base = browser_server.base_url

        await sign_in(page, base, office.login, PASSWORD, signed_in=False)
        await expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()

        await page.goto(f"{base}/board/games/new?day={day}")
        await expect(page.get_by_role("heading", name="New game", level=1)).to_be_visible()
        await check(page, "editor-new")
        await page.get_by_role("button", name="Create game").click()  # empty: refused
        await expect(page.get_by_text("The game was not saved. Nothing changed.")).to_be_visible()
        await expect(page.locator("#error-venue_name")).to_have_text("Venue can't be blank.")
        await check(page, "editor-invalid")

        await page.get_by_label("Start time").fill("10:30")
        await page.get_by_label("Venue").fill("Riverside Park")
        await page.get_by_label("Field or court").fill("Field 4")
        await page.get_by_label("Home team").fill("Hawks")
        await page.get_by_label("Away team").fill("Ospreys")
        await page.get_by_label("Age group").fill("U12 Boys")
        await page.get_by_label("Officials pattern").select_option(label="3 officials")
        await page.get_by_label("Published").check()
        await page.get_by_role("button", name="Create game").click()
        await expect(page.get_by_role("status")).to_contain_text("Game created: Hawks vs Ospreys")
        await expect(page.get_by_role("heading", name="Edit game", level=1)).to_be_visible()
        await check(page, "editor-edit")
        edit_url = page.url
        game_id = int(edit_url.split("/")[-2])
        game = (await api.get(f"/api/v2/games/{game_id}", headers=office.headers)).json()
        assert game["away_team"] == "Ospreys" and game["localized_time"] == "10:30 AM"
        assert game["published"] is True and game["lock_version"] == 0

        # a second tab of the same browser opens the same game
        other = await page.context.new_page()
        await other.goto(edit_url)
        await expect(other.get_by_label("Field or court")).to_have_value("Field 4")

        # the first tab saves a new field
        await page.get_by_label("Field or court").fill("Field 9")
        await page.get_by_role("button", name="Save changes").click()
        await expect(page.get_by_role("status")).to_contain_text("(Field or court)")

        # the second tab, loaded before, changes the field and the start time
        await other.get_by_label("Field or court").fill("Field 1")
        await other.get_by_label("Start time").fill("18:00")
        await other.get_by_role("button", name="Save changes").click()
        await expect(
            other.get_by_role("heading", name="This game was changed by someone else")
        ).to_be_visible()
        table = other.get_by_role("table", name="What changed since you opened the game")
        row = table.get_by_role("row", name="Field or court both changed")
        await expect(row).to_contain_text("Field 1")
        await expect(row).to_contain_text("Field 9")
        await expect(row).to_contain_text("Field 4")
        await expect(table.get_by_role("row", name="Start time you changed")).to_contain_text(
            "6:00 PM"
        )
        game = (await api.get(f"/api/v2/games/{game_id}", headers=office.headers)).json()
        assert game["subvenue"] == "Field 9" and game["localized_time"] == "10:30 AM"
        await check(other, "editor-conflict")

        await other.get_by_role("button", name="Apply mine on top").click()
        await expect(other.get_by_role("status")).to_contain_text("(Start time, Field or court)")
        await expect(other.get_by_label("Field or court")).to_have_value("Field 1")
        game = (await api.get(f"/api/v2/games/{game_id}", headers=office.headers)).json()
        assert game["subvenue"] == "Field 1" and game["localized_time"] == "6:00 PM"
        assert game["lock_version"] == 2

        # the delete confirmation, then cancel from the editor
        await other.get_by_role("link", name="Delete this game…").click()
        await expect(other.get_by_role("heading", name="Delete this game?")).to_be_visible()
        await check(other, "editor-delete")
        await other.get_by_role("link", name="Keep it").click()
        await other.get_by_role("button", name="Cancel the game (officials paid)").click()
        await expect(other.get_by_role("status")).to_contain_text("Cancelled: Hawks vs Ospreys")
        await expect(other.get_by_role("button", name="Reinstate the game")).to_be_visible()
        game = (await api.get(f"/api/v2/games/{game_id}", headers=office.headers)).json()
        assert game["status"] == "X"
        await other.close()
