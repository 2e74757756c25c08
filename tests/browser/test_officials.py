"""The officials pages in a real browser: an assignor signs in, opens Officials from the
assigning navigation, invites an official (the SMTP sink receives the invitation e-mail),
opens another official's schedule and deactivates them after the confirmation; the API shows
both. axe and screenshots on every state, at phone and desktop width."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from tests.factories import create_account, create_site, create_token, create_user
from tests.support.browser import BrowserServer, Check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long browser password"
ZONE = "America/Chicago"


async def test_assignor_invites_an_official_and_deactivates_another(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    check = check.strict()  # no axe violation of any impact on these pages
    runtime = browser_server.runtime
    site = await create_site(runtime, name=f"Prairie Referees {width}", timezone=ZONE)
    account = await create_account(
        runtime, password=PASSWORD, login=f"assignor.officials.{width}@example.org"
    )
    assignor = await create_user(runtime, site, account, assignor=True, official=False)
    headers = {"Authorization": f"Bearer {await create_token(runtime, account)}"}
    today = datetime.now(ZoneInfo(ZONE)).date()
    async with browser_server.client() as api:
        pattern = await api.post(
            f"/api/v2/sites/{site.id}/patterns",
            json={"name": "2 officials", "positions": ["Referee", "Assistant Referee"]},
            headers=headers,
        )
        assert pattern.status_code == 201, pattern.text
        made = await api.post(
            f"/api/v2/sites/{site.id}/users",
            json={"first_name": "Jo", "last_name": "Leaving", "email": f"jo.{width}@example.org"},
            headers=headers,
        )
        assert made.status_code == 201, made.text
        jo = made.json()
        game = await api.post(
            f"/api/v2/sites/{site.id}/games",
            json={
                "localized_date": (today + timedelta(days=2)).isoformat(),
                "localized_time": "10:00 AM",
                "venue_name": "North Field",
                "home_team_name": "Bisons",
                "away_team_name": "Hawks",
                "age_group_name": "U14",
                "pattern_name": "2 OFFICIALS",
                "is_public": "y",
            },
            headers=headers,
        )
        assert game.status_code == 201, game.text
        slot = game.json()["_embedded"]["assignments"][0]["id"]
        assigned = await api.post(
            f"/api/v2/assignments/{slot}/assign", json={"user_id": jo["id"]}, headers=headers
        )
        assert assigned.status_code == 200, assigned.text
        entry = await api.post(
            f"/api/v2/users/{jo['id']}/availability",
            json={"date": (today + timedelta(days=2)).isoformat()},
            headers=headers,
        )
        assert entry.status_code == 201, entry.text

        await sign_in(page, browser_server.base_url, account.login, PASSWORD, signed_in=False)
        await (
            page.get_by_role("navigation", name="Assigning")
            .get_by_role("link", name="Officials")
            .click()
        )
        await expect(page.get_by_role("heading", name="Officials", exact=True)).to_be_visible()
        row = page.locator(f"#user-{jo['id']}")
        await expect(row).to_contain_text("Jo Leaving")
        await expect(row).to_contain_text("1 of 14 days")
        await check(page, "officials-list")

        # invite an official
        await page.get_by_role("link", name="Invite a person").click()
        await expect(page.get_by_role("heading", name="Invite a person")).to_be_visible()
        await check(page, "officials-invite")
        email = f"kim.officials.{width}@example.org"
        await page.get_by_label("First name").fill("Kim")
        await page.get_by_label("Last name").fill("Park")
        await page.get_by_label("E-mail", exact=True).fill(email)
        await page.get_by_role("button", name="Add and invite").click()
        await expect(page.get_by_role("status")).to_contain_text("the invitation e-mail is on")
        await expect(page.get_by_role("heading", name="Kim Park")).to_be_visible()
        await check(page, "officials-invited")
        mail = await browser_server.wait_for_mail(email, "invitation")
        assert "Prairie Referees" in str(mail["Subject"]) + mail.get_body().get_content()
        users = await api.get(f"/api/v2/sites/{site.id}/users", headers=headers)
        kim = [u for u in users.json()["_embedded"]["users"] if u["last_name"] == "Park"]
        assert kim and kim[0]["password_set"] == "false" and kim[0]["official"] == "true"

        # another official's schedule, then deactivate them
        await page.get_by_role("link", name="All officials").click()
        await page.get_by_role("link", name="Jo Leaving").click()
        await expect(page.get_by_role("heading", name="Jo Leaving")).to_be_visible()
        await expect(page.get_by_text("Referee: Jo Leaving – Not answered yet")).to_be_visible()
        await check(page, "officials-schedule")
        await page.get_by_role("link", name="Deactivate…").click()
        await expect(page.get_by_role("heading", name="Deactivate Jo Leaving?")).to_be_visible()
        await check(page, "officials-deactivate")
        await page.get_by_role("button", name="Deactivate Jo Leaving").click()
        await expect(page.get_by_role("status")).to_contain_text("Jo Leaving was deactivated")
        await expect(page.get_by_role("button", name="Reactivate Jo Leaving")).to_be_visible()
        await check(page, "officials-deactivated")
        shown = await api.get(f"/api/v2/users/{jo['id']}", headers=headers)
        assert shown.json()["active"] == "false"
        assert assignor.id != jo["id"]
