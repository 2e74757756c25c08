"""The availability page in a real browser: an official signs in, opens Availability, marks a
day not available (its entry, made through the API, goes), tries a weekly pattern without a
weekday (the form comes back with the message), applies "Saturdays 8 AM – 2 PM" for a month,
and sees both on the calendar; the API shows the same records. axe and screenshots on every
state, at phone and desktop width."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from refdesk.server.web.availability import add_months, month_end, month_title
from tests.factories import create_account, create_site, create_token, create_user
from tests.support.browser import BrowserServer, Check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long browser password"
ZONE = "America/Denver"


def saturdays(first: date) -> list[date]:
    day = first + timedelta(days=(5 - first.weekday()) % 7)
    found = []
    while day <= month_end(first):
        found.append(day)
        day += timedelta(days=7)
    return found


async def test_official_marks_a_day_off_and_applies_a_weekly_pattern(
    browser_server: BrowserServer, page: Page, check: Check, width: str
) -> None:
    check = check.strict()  # no axe violation of any impact on these pages
    runtime = browser_server.runtime
    site = await create_site(runtime, name=f"Mountain Referees {width}", timezone=ZONE)
    account = await create_account(runtime, password=PASSWORD, login=f"avail.{width}@example.org")
    user = await create_user(runtime, site, account, official=True)
    headers = {"Authorization": f"Bearer {await create_token(runtime, account)}"}
    base = f"/api/v2/users/{user.id}/availability"
    today = datetime.now(ZoneInfo(ZONE)).date()
    first = add_months(today.replace(day=1), 1)  # next month: all of it is ahead
    day_off = first + timedelta(days=(2 - first.weekday()) % 7 + 7)  # its second Wednesday
    async with browser_server.client() as api:
        made = await api.post(base, json={"date": day_off.isoformat()}, headers=headers)
        assert made.status_code == 201, made.text

        await sign_in(page, browser_server.base_url, account.login, PASSWORD, signed_in=False)
        await (
            page.get_by_role("navigation", name="Main")
            .get_by_role("link", name="Availability")
            .click()
        )
        await expect(page.get_by_role("heading", name="Availability", exact=True)).to_be_visible()
        await expect(page.get_by_role("heading", name=month_title(today))).to_be_visible()
        await check(page, "availability-month")

        await page.get_by_role("link", name=re.compile("^Next month")).click()
        await expect(page.get_by_role("heading", name=month_title(first))).to_be_visible()
        cell = page.locator(f"#day-{day_off.isoformat()}")
        await expect(cell).to_contain_text("Available all day")

        # mark the day not available
        await page.get_by_label("Date", exact=True).fill(day_off.isoformat())
        await page.locator("#entry-unavailable").check()
        await page.get_by_role("button", name="Save entry").click()
        await expect(page.get_by_role("status")).to_contain_text("not available (1 entry removed)")
        await expect(cell).to_contain_text("No entry: not available")
        await expect(cell).not_to_contain_text("Available")
        await check(page, "availability-day-off")

        # a weekly pattern without a weekday comes back with the message, values kept
        weekly = page.locator("form[action='/availability/weekly']")
        await weekly.get_by_label("From").fill("08:00")
        await weekly.get_by_label("To", exact=True).fill("14:00")
        await weekly.get_by_label("Start date").fill(first.isoformat())
        await weekly.get_by_label("Until").fill(month_end(first).isoformat())
        await page.get_by_role("button", name="Apply weekly pattern").click()
        await expect(page.locator("#weekly-days-error")).to_have_text(
            "Choose at least one day of the week."
        )
        await expect(weekly.get_by_label("From")).to_have_value("08:00")
        await check(page, "availability-weekly-error")

        weekly = page.locator("form[action='/availability/weekly']")
        await weekly.get_by_label("Saturday").check()
        await page.get_by_role("button", name="Apply weekly pattern").click()
        sats = saturdays(first)
        await expect(page.get_by_role("status")).to_contain_text(
            f"{len(sats)} days added, 0 already set, 0 other entries removed"
        )
        await expect(page.get_by_role("heading", name=month_title(first))).to_be_visible()
        for saturday in sats:
            await expect(page.locator(f"#day-{saturday.isoformat()}")).to_contain_text(
                "Available 8:00 AM – 2:00 PM"
            )
        await expect(cell).to_contain_text("No entry: not available")
        await check(page, "availability-weekly")

        listed = await api.get(
            base,
            params={
                "search[start_date]": first.isoformat(),
                "search[end_date]": month_end(first).isoformat(),
            },
            headers=headers,
        )
        assert listed.status_code == 200, listed.text
        assert [
            (e["date"], e["all_day"], e.get("start_time"), e.get("end_time"))
            for e in listed.json()["_embedded"]["availability"]
        ] == [(d.isoformat(), "false", "8:00 AM", "2:00 PM") for d in sats]
