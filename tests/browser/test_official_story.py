"""An official's first week, end to end, in a real browser (issue 12's proof).

The assignor adds the official through the API with ``send_authorization_email``; the server's
worker sends the invitation over SMTP to the sink of the test process; the official opens the
link in Chromium, sets a password and lands on their home page signed in; marks a day
available on the Availability page; sees the game the assignor then assigns through the API on
My games, accepts it, and the API shows the slot accepted. A second game inside the decline
cut-off: the decline is refused with the reason shown, and the API shows nothing changed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from refdesk.server.users.models import User
from tests.factories import create_member
from tests.support.browser import BrowserServer, Check, links_in
from tests.support.games import load_site, setup_site
from tests.support.web_games import Desk, game_at, slot_state

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "an official's own password"
ZONE = "America/Denver"


async def test_an_invited_official_sets_availability_and_answers_games(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    runtime = browser_server.runtime
    email = f"alex.story.{width}@example.org"
    async with browser_server.client() as api:
        site_id, assignor = await setup_site(
            api,
            runtime,
            timezone=ZONE,
            name=f"Foothills Referees {width}",
            decline_cutoff_hours=2,
        )
        created = await api.post(
            f"/api/v2/sites/{site_id}/users",
            json={
                "first_name": "Alex",
                "last_name": "Rivera",
                "email": email,
                "official": "true",
                "send_authorization_email": "true",
            },
            headers=assignor.headers,
        )
        assert created.status_code == 201, created.text
        user_id = created.json()["id"]

        # The invitation, as the SMTP sink received it; the link signs the official in.
        mail = await browser_server.wait_for_mail(email, "invitation")
        (link,) = links_in(mail, r"/invitations\?token=")
        await page.goto(link)
        await page.get_by_label("New password").fill(PASSWORD)
        await page.get_by_label("Repeat the password").fill(PASSWORD)
        await page.get_by_role("button", name="Set password").click()
        await expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()
        await expect(page.get_by_text("Signed in as Alex Rivera")).to_be_visible()
        await check(page, "story-welcome")

        # Availability: next week's Saturday, 8 AM to 2 PM.
        today = datetime.now(ZoneInfo(ZONE)).date()
        saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 7)
        await (
            page.get_by_role("navigation", name="Main")
            .get_by_role("link", name="Availability")
            .click()
        )
        entry = page.locator("form[action='/availability/entries']")
        await entry.get_by_label("Date", exact=True).fill(saturday.isoformat())
        await entry.get_by_label("From").fill("08:00")
        await entry.get_by_label("To", exact=True).fill("14:00")
        await page.get_by_role("button", name="Save entry").click()
        await expect(page.get_by_role("status")).to_be_visible()
        listed = await api.get(f"/api/v2/users/{user_id}/availability", headers=assignor.headers)
        assert listed.status_code == 200, listed.text
        entries = listed.json()["_embedded"]["availability"]
        assert [(e["date"], e["all_day"]) for e in entries] == [(saturday.isoformat(), "false")]
        await check(page, "story-availability")

        # The assignor assigns two games through the API.
        async with runtime.db.session() as session:
            user = await session.get(User, user_id)
        assert user is not None
        site = await load_site(runtime, site_id)
        partner = await create_member(runtime, site, official=True, first_name="Jo")
        desk = Desk(site_id, assignor, email, user, partner)
        kickoff = datetime(saturday.year, saturday.month, saturday.day, 10, tzinfo=ZoneInfo(ZONE))
        weekend = await game_at(api, desk, kickoff, 0, partner=True)
        soon = await game_at(api, desk, datetime.now(UTC) + timedelta(hours=5), 1)

        await (
            page.get_by_role("navigation", name="Main").get_by_role("link", name="My games").click()
        )
        card = page.locator(f"#game-{weekend['id']}")
        await expect(card.get_by_role("heading", name="Home 0 vs Away 0")).to_be_visible()
        await expect(card).to_contain_text("10:00 AM")
        await card.get_by_role("button", name="Accept", exact=True).click()
        await expect(page.get_by_role("status")).to_contain_text("You accepted Home 0 vs Away 0")
        state = await slot_state(api, desk, desk.slot_of(weekend))
        assert (state["accepted"], state["declined"]) == (True, False)
        await check(page, "story-accepted")

        # The game in five hours: the decline form is open (2 hours' cut-off) until the
        # assignor moves the cut-off to 36 hours; then the decline is refused with the reason.
        soon_card = page.locator(f"#game-{soon['id']}")
        await soon_card.get_by_text("Decline this game").click()
        await soon_card.get_by_label("Reason").fill("Family emergency")
        moved = await api.patch(
            f"/api/v2/sites/{site_id}", json={"decline_cutoff_hours": 36}, headers=assignor.headers
        )
        assert moved.status_code == 200, moved.text
        await soon_card.get_by_role("button", name="Decline", exact=True).click()
        await expect(page.get_by_role("alert")).to_contain_text(
            "can't be declined less than 36 hours before the game"
        )
        await expect(page.locator(f"#game-{soon['id']}")).to_contain_text("Declining closed on")
        state = await slot_state(api, desk, desk.slot_of(soon))
        assert (state["accepted"], state["declined"], state["decline_reason"]) == (
            False,
            False,
            None,
        )
        await check(page, "story-decline-refused")
