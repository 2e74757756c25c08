"""The calendar feed page in a real browser: an official signs in, opens ``/account/calendar``,
sees the feed URL (the one the API gives) with the Copy button that copy.js shows, the feed
lists the game the assignor assigned through the API, and rotating gives a new URL while the
old one answers 404 (checked through httpx). axe and screenshots on each state."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, expect

from tests.factories import create_account, create_user
from tests.support.browser import BrowserServer, Check, sign_in
from tests.support.calendar import parse
from tests.support.games import load_site, make_game, setup_site
from tests.support.oauth import PASSWORD
from tests.support.web_calendar import api_feed_url

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_official_sees_copies_and_rotates_the_feed_url(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    check = check.strict()  # this page has no axe violation of any impact
    runtime = browser_server.runtime
    async with browser_server.client() as api:
        site_id, assignor = await setup_site(api, runtime, name="Riverside Referees")
        person = await create_account(
            runtime, password=PASSWORD, first_name="Kim", last_name="Park"
        )
        official = await create_user(runtime, await load_site(runtime, site_id), person)
        game = await make_game(api, site_id, assignor.headers, home_team_name=f"Hawks {width}")
        slot = game["_embedded"]["assignments"][0]["id"]
        assigned = await api.post(
            f"/api/v2/assignments/{slot}/assign",
            json={"user_id": official.id},
            headers=assignor.headers,
        )
        assert assigned.status_code == 200, assigned.text

        await sign_in(page, browser_server.base_url, person.login, PASSWORD, signed_in=False)
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()

        await page.goto(browser_server.base_url + "/account/calendar")
        await expect(page.get_by_role("heading", name="Calendar feed", level=1)).to_be_visible()
        field = page.get_by_label("Feed URL (select it to copy)")
        url = await field.input_value()
        assert url == await api_feed_url(api, runtime, person)
        assert url.startswith(browser_server.base_url + "/calendar/") and url.endswith(".ics")
        assert await field.get_attribute("readonly") is not None
        webcal = page.get_by_role("link", name="Subscribe in your calendar app")
        assert await webcal.get_attribute("href") == "webcal://" + url.split("://", 1)[1]
        await check(page, "calendar-feed")

        # copy.js shows the button (hidden without JavaScript); pressing it copies
        copy = page.get_by_role("button", name="Copy")
        await expect(copy).to_be_visible()
        await copy.click()
        await expect(page.get_by_role("status")).to_have_text("Copied to the clipboard.")
        await check(page, "calendar-copied")

        # the feed lists the assigned game
        feed = await api.get(urlsplit(url).path)
        assert feed.status_code == 200
        assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
        (event,) = parse(feed.text).events
        assert event["SUMMARY"] == f"Referee: Hawks {width} vs Falcons"
        assert event["UID"] == f"assignment-{slot}@{urlsplit(url).hostname}"

        await page.get_by_role("button", name="Rotate feed URL").click()
        await expect(page.get_by_text("You have a new calendar feed URL.")).to_be_visible()
        new = await page.get_by_label("Feed URL (select it to copy)").input_value()
        assert new != url and new == await api_feed_url(api, runtime, person)
        await check(page, "calendar-rotated")
        old = await api.get(urlsplit(url).path)
        assert old.status_code == 404 and old.json()["error"] == "not_found"
        fresh = await api.get(urlsplit(new).path)
        assert fresh.status_code == 200 and len(parse(fresh.text).events) == 1
