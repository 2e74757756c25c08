""" "My games" in a real browser: an assignor assigns the official to two games through the API;
the official signs in in Chromium, opens My games, sees the game with its partner and accepts
it, and the API shows the slot accepted. The second game starts in five hours: the assignor
moves the site's decline cut-off to 36 hours while the official's page is open, so the
official's decline is refused with the reason shown, and the reloaded page explains that
declining has closed and offers no decline form. A cancelled and a changed game show their
badges. axe and screenshots on every state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import BrowserServer, Check, sign_in
from tests.support.oauth import PASSWORD
from tests.support.web_games import game_at, make_desk, slot_state

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_official_accepts_a_game_and_cannot_decline_after_the_cut_off(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    now = datetime.now(UTC)
    async with browser_server.client() as api:
        desk = await make_desk(
            api,
            browser_server.runtime,
            timezone="America/Chicago",
            cutoff_hours=2,
            name=f"Prairie Referees {width}",
        )
        far = await game_at(api, desk, now + timedelta(days=5), 0, partner=True)
        near = await game_at(api, desk, now + timedelta(days=6, hours=5), 1)
        cancelled = await game_at(api, desk, now + timedelta(days=6), 2)
        moved = await game_at(api, desk, now + timedelta(days=7), 3)
        for game, change in ((cancelled, {"status": "X"}), (moved, {"subvenue": "Field 8"})):
            edited = await api.patch(
                f"/api/v2/games/{game['id']}", json=change, headers=desk.assignor.headers
            )
            assert edited.status_code == 200, edited.text
        # the near game is now in five hours
        near_start = (now + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:00+00:00")
        edited = await api.patch(
            f"/api/v2/games/{near['id']}",
            json={"date_time": near_start},
            headers=desk.assignor.headers,
        )
        assert edited.status_code == 200, edited.text

        await sign_in(page, browser_server.base_url, desk.login, PASSWORD, signed_in=False)
        await expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()
        await (
            page.get_by_role("navigation", name="Main").get_by_role("link", name="My games").click()
        )
        await expect(page.get_by_role("heading", name="My games", level=1)).to_be_visible()
        await expect(page.get_by_text("times in America/Chicago")).to_be_visible()

        card = page.locator(f"#game-{far['id']}")
        await expect(card.get_by_role("heading", name="Home 0 vs Away 0")).to_be_visible()
        await expect(card).to_contain_text("Assistant Referee: Casey Linesman")
        await expect(card).to_contain_text("Awaiting your answer")
        await expect(page.locator(f"#game-{cancelled['id']}")).to_contain_text("Cancelled (paid)")
        await expect(page.locator(f"#game-{moved['id']}")).to_contain_text(
            "Changed since you were assigned or last answered: field."
        )
        await check(page, "games-list")

        await card.get_by_role("button", name="Accept", exact=True).click()
        await expect(page.get_by_role("status")).to_contain_text("You accepted Home 0 vs Away 0")
        card = page.locator(f"#game-{far['id']}")
        await expect(card).to_contain_text("Accepted")
        await expect(card.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
        await check(page, "games-accepted")
        state = await slot_state(api, desk, desk.slot_of(far))
        assert (state["accepted"], state["declined"]) == (True, False)

        # The near game can still be declined (2 hours' cut-off) as the page is loaded...
        near_card = page.locator(f"#game-{near['id']}")
        await near_card.get_by_text("Decline this game").click()
        await near_card.get_by_label("Reason").fill("My car broke down")
        await check(page, "games-decline-form")
        # ...but the assignor moves the cut-off to 36 hours before the official sends it.
        moved = await api.patch(
            f"/api/v2/sites/{desk.site_id}",
            json={"decline_cutoff_hours": 36},
            headers=desk.assignor.headers,
        )
        assert moved.status_code == 200, moved.text
        await near_card.get_by_role("button", name="Decline", exact=True).click()
        await expect(page.get_by_role("alert")).to_have_text(
            "Your answer was not recorded: can't be declined less than 36 hours before the "
            "game; contact your assignor."
        )
        near_card = page.locator(f"#game-{near['id']}")
        await expect(near_card).to_contain_text("Declining closed on")
        await expect(near_card.get_by_text("Decline this game")).to_have_count(0)
        await check(page, "games-decline-refused")
        state = await slot_state(api, desk, desk.slot_of(near))
        assert (state["accepted"], state["declined"], state["decline_reason"]) == (
            False,
            False,
            None,
        )
