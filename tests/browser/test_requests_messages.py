"""An assignor in a real browser: approves an official's game request on "Requests" (the API
then shows the slot assigned), then on "Messages" writes to everyone on that day's games; the
worker e-mails exactly those officials over SMTP. axe and screenshots on every page state."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import BrowserServer, Check, sign_in
from tests.support.games import make_game
from tests.support.oauth import PASSWORD
from tests.support.web_open import ZONE, api_game, official_in, request_site
from tests.support.web_requests import api_messages, api_request, staff_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def day(days: int) -> str:
    return (datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=days)).isoformat()


async def test_assignor_approves_a_request_then_writes_to_the_days_officials(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    runtime = browser_server.runtime
    async with browser_server.client() as api:
        site_id, assignor = await request_site(api, runtime, name=f"Harbor Referees {width}")
        staff = await staff_in(runtime, site_id, first_name="Alex", last_name="Staff")
        sam = await official_in(runtime, site_id, first_name="Sam", last_name="Lee")
        kim = await official_in(runtime, site_id, first_name="Kim", last_name="Park")
        ana = await official_in(runtime, site_id, first_name="Ana", last_name="Diaz")
        hawks = await make_game(api, site_id, assignor.headers, localized_date=day(2))
        owls = await make_game(
            api,
            site_id,
            assignor.headers,
            localized_date=day(2),
            localized_time="6:30 PM",
            home_team_name="Owls",
            away_team_name="Larks",
        )
        later = await make_game(api, site_id, assignor.headers, localized_date=day(3))
        for game, who in ((owls, kim), (later, ana)):
            assigned = await api.post(
                f"/api/v2/assignments/{game['_embedded']['assignments'][0]['id']}/assign",
                json={"user_id": who.user.id},
                headers=assignor.headers,
            )
            assert assigned.status_code == 200, assigned.text
        referee = hawks["_embedded"]["assignments"][0]
        asked = await api.post(
            "/api/v2/game_requests",
            json={
                "game_id": hawks["id"],
                "position_id": referee["position_id"],
                "comment": "I can be there early",
            },
            headers=sam.headers,
        )
        assert asked.status_code == 201, asked.text
        request_id = asked.json()["id"]

        await sign_in(page, browser_server.base_url, staff.account.login, PASSWORD, signed_in=False)
        await expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()
        assigning = page.get_by_role("navigation", name="Assigning")
        await assigning.get_by_role("link", name="Requests").click()
        await expect(page.get_by_role("heading", name="Game requests", level=1)).to_be_visible()
        item = page.locator("ul.requests > li").filter(has_text="Sam Lee")
        await expect(item).to_contain_text("Hawks vs Falcons")
        await expect(item).to_contain_text("Comment: I can be there early")
        await expect(item).to_contain_text("Pending")
        await check(page, "requests-pending")

        await item.get_by_role("button", name="Approve").click()
        await expect(page.get_by_role("status")).to_contain_text(
            "Approved: Sam Lee: Referee for Hawks vs Falcons"
        )
        await expect(page.get_by_text("No request is waiting for a decision")).to_be_visible()
        decided = page.locator("section[aria-labelledby=recent] li").filter(has_text="Sam Lee")
        await expect(decided).to_contain_text("Approved")
        await check(page, "requests-approved")
        after = await api_request(api, request_id, staff)
        assert (after["status"], after["assignment_id"]) == ("approved", referee["id"])
        game = await api_game(api, hawks["id"], staff)
        assert game["_embedded"]["assignments"][0]["official_id"] == sam.user.id

        await assigning.get_by_role("link", name="Messages").click()
        await expect(page.get_by_role("heading", name="Messages", level=1)).to_be_visible()
        await expect(page.get_by_label("Kim Park")).to_be_visible()
        await check(page, "messages-form")
        # The name search filters the list in place (JavaScript), keeping what is typed.
        await page.get_by_label("Subject").fill("Kept while searching")
        await page.get_by_label("Find officials by name").fill("par")
        await expect(page.get_by_label("Ana Diaz")).to_be_hidden()
        await expect(page.get_by_label("Kim Park")).to_be_visible()
        await expect(page.get_by_text("1 of 3 officials shown")).to_be_visible()
        await page.get_by_label("Find officials by name").press("Enter")
        await expect(page.get_by_label("Subject")).to_have_value("Kept while searching")
        await page.get_by_label("Find officials by name").fill("")
        await expect(page.get_by_label("Ana Diaz")).to_be_visible()

        # The date of Sam's and Kim's games; Ana's game is the day after.
        await page.get_by_label("Everyone on a day's games").check()
        await page.get_by_label("Date of the games").fill(day(2))
        await page.get_by_label("Subject").fill("Heat warning")
        await page.get_by_label("Message", exact=True).fill("Bring water.\nKick-off unchanged.")
        await page.get_by_role("button", name="Send message").click()
        await expect(page.get_by_role("status")).to_contain_text(
            "Message “Heat warning” sent to 2 officials on the games of"
        )
        sent = page.locator("ul.sent > li").filter(has_text="Heat warning")
        await expect(sent).to_contain_text("Sam Lee")
        await expect(sent).to_contain_text("Kim Park")
        await check(page, "messages-sent")

        for who in (sam, kim):
            mail = await browser_server.wait_for_mail(who.account.email, "message")
            assert "Heat warning" in str(mail["Subject"])
            body = mail.get_body(preferencelist=("plain",))
            assert body is not None and "Bring water." in body.get_content()
        (message,) = await api_messages(api, site_id, staff)
        assert sorted(message["recipient_ids"]) == sorted([sam.user.id, kim.user.id])
        messages_to = [
            str(m["To"]) for m in browser_server.mail() if m["X-Refdesk-Kind"] == "message"
        ]
        assert ana.account.email not in messages_to

        # Without a subject: the form comes back with the message by the field.
        await page.get_by_label("Everyone on a day's games").check()
        await page.get_by_label("Date of the games").fill(day(2))
        await page.get_by_label("Message", exact=True).fill("Text kept")
        await page.get_by_role("button", name="Send message").click()
        await expect(page.get_by_text("Write a subject")).to_be_visible()
        await expect(page.get_by_label("Message", exact=True)).to_have_value("Text kept")
        await expect(page.get_by_label("Date of the games")).to_have_value(day(2))
        await expect(page.get_by_label("Everyone on a day's games")).to_be_checked()
        await check(page, "messages-invalid")
