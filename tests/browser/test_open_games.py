"""An official in a real browser on "Open games": signs in, requests a game's Referee slot,
sees it under My requests, withdraws it; a slot filled meanwhile is refused with the reason
shown. The API agrees at each step. axe and screenshots on every page state."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import BrowserServer, Check, sign_in
from tests.support.games import make_game
from tests.support.oauth import PASSWORD
from tests.support.web_open import ZONE, api_requests, official_in, request_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def day(days: int) -> str:
    return (datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=days)).isoformat()


async def test_official_requests_a_game_then_withdraws_it(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    check = check.strict()  # these pages have no axe violation of any impact
    runtime = browser_server.runtime
    async with browser_server.client() as api:
        site_id, assignor = await request_site(api, runtime, name=f"Riverside Referees {width}")
        official = await official_in(runtime, site_id)
        rival = await official_in(runtime, site_id)
        game = await make_game(api, site_id, assignor.headers, localized_date=day(2))
        other = await make_game(
            api,
            site_id,
            assignor.headers,
            localized_date=day(3),
            localized_time="6:30 PM",
            home_team_name="Owls",
            away_team_name="Larks",
        )
        slots = game["_embedded"]["assignments"]
        table = await api.put(
            f"/api/v2/age_groups/{game['age_group_id']}",
            json={
                "fees": [
                    {"pattern_id": game["pattern_id"], "position_id": s["position_id"], "amount": a}
                    for s, a in ((slots[0], 45), (slots[1], 30))
                ]
            },
            headers=assignor.headers,
        )
        assert table.status_code == 200, table.text

        await sign_in(
            page, browser_server.base_url, official.account.login, PASSWORD, signed_in=False
        )
        await expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()
        await (
            page.get_by_role("navigation", name="Main")
            .get_by_role("link", name="Open games")
            .click()
        )
        await expect(page.get_by_role("heading", name="Open games", level=1)).to_be_visible()
        hawks = page.locator("ul.open > li").filter(has_text="Hawks vs Falcons")
        await expect(hawks).to_contain_text("Fee $45.00")
        await expect(hawks).to_contain_text("Assistant Referee (2 open)")
        await expect(page.get_by_text("You have no game requests")).to_be_visible()
        await check(page, "open-games-list")

        await hawks.get_by_role("button", name="Request Referee", exact=True).click()
        await expect(page.get_by_role("status")).to_contain_text(
            "Requested: Referee for Hawks vs Falcons"
        )
        mine = page.locator("section[aria-labelledby=my-requests] li").filter(
            has_text="Hawks vs Falcons"
        )
        await expect(mine).to_contain_text("Pending")
        await expect(hawks).to_contain_text("Requested")
        await check(page, "open-games-requested")
        (made,) = await api_requests(api, site_id, official)
        assert (made["game_id"], made["position_id"], made["status"]) == (
            game["id"],
            slots[0]["position_id"],
            "pending",
        )

        await mine.get_by_role("button", name="Withdraw").click()
        await expect(page.get_by_role("status")).to_contain_text(
            "Request withdrawn: Referee for Hawks vs Falcons"
        )
        await expect(mine).to_contain_text("Withdrawn")
        await expect(page.get_by_text("You have no pending requests.")).to_be_visible()
        await check(page, "open-games-withdrawn")
        (gone,) = await api_requests(api, site_id, official)
        assert gone["status"] == "withdrawn"

        # The Owls' Referee slot is filled by the assignor after the page was shown.
        assigned = await api.post(
            f"/api/v2/assignments/{other['_embedded']['assignments'][0]['id']}/assign",
            json={"user_id": rival.user.id},
            headers=assignor.headers,
        )
        assert assigned.status_code == 200, assigned.text
        owls = page.locator("ul.open > li").filter(has_text="Owls vs Larks")
        await owls.get_by_role("button", name="Request Referee", exact=True).click()
        await expect(page.get_by_role("alert")).to_have_text(
            "Not requested: this game has no open slot you can request."
        )
        await check(page, "open-games-refused")
        assert [r["id"] for r in await api_requests(api, site_id, assignor)] == [made["id"]]
