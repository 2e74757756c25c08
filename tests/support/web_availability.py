"""The availability page over HTTP: an official signed in to a site, what the calendar shows
per day, and the API's view of the same entries."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from refdesk.server.accounts.models import Account
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from tests.factories import create_account, create_site, create_token, create_user
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import signed_in_client

DAY_CELL = re.compile(r'<td class="day[^"]*" id="day-(\d{4}-\d{2}-\d{2})">(.*?)</td>', re.S)


@dataclass
class Official:
    """An official of ``site`` with a password (for the page) and a token (for the API)."""

    site: Site
    account: Account
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def base(self) -> str:
        return f"/api/v2/users/{self.user.id}/availability"

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.site.timezone)).date()


async def official_in(
    runtime: Runtime,
    site: Site | None = None,
    *,
    account: Account | None = None,
    **site_fields: Any,
) -> Official:
    """An official (new account with the test password unless given) in ``site`` (or a new
    site made of ``site_fields``)."""
    site = site or await create_site(runtime, **site_fields)
    person = account or await create_account(runtime, password=PASSWORD)
    user = await create_user(runtime, site, person, official=True)
    return Official(site, person, user, await create_token(runtime, person))


async def open_availability(client: httpx.AsyncClient, official: Official) -> httpx.Response:
    """Sign in as ``official`` and GET ``/availability``."""
    await signed_in_client(client, official.account.login)
    page = await client.get("/availability")
    assert page.status_code == 200, page.text
    return page


def calendar(page: str) -> dict[str, list[str]]:
    """Each day of the month shown -> its entries' text (``Available 8:00 AM – 2:00 PM``,
    with `` “note”`` when the entry has its own description)."""
    found: dict[str, list[str]] = {}
    for day, cell in DAY_CELL.findall(page):
        lines = []
        for text, note in re.findall(
            r'<span class="entry">([^<]+)</span>(?: <span class="entry-note">([^<]+)</span>)?',
            cell,
        ):
            lines.append(html.unescape(f"{text} {note}" if note else text))
        found[day] = lines
    return found


def delete_forms(page: str) -> dict[int, str]:
    """Entry id -> the day whose cell holds its delete form."""
    found: dict[int, str] = {}
    for day, cell in DAY_CELL.findall(page):
        for entry_id in re.findall(r'action="/availability/entries/(\d+)/delete"', cell):
            found[int(entry_id)] = day
    return found


def field_errors(page: str) -> dict[str, str]:
    """``id`` of each field error paragraph -> its text."""
    return {
        key: html.unescape(text)
        for key, text in re.findall(r'<p class="field-error" id="([^"]+)">([^<]+)</p>', page)
    }


def input_value(page: str, input_id: str) -> str:
    match = re.search(rf'<input [^>]*id="{re.escape(input_id)}"[^>]*>', page)
    assert match, f"no input #{input_id}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def is_checked(page: str, input_id: str) -> bool:
    match = re.search(rf'<input [^>]*id="{re.escape(input_id)}"[^>]*>', page)
    assert match, f"no input #{input_id}"
    return " checked" in match.group(0)


async def entries(client: httpx.AsyncClient, official: Official) -> list[tuple[Any, ...]]:
    """The API's entries: ``(date, all_day, start_time, end_time, description)``."""
    listed = await client.get(official.base, headers=official.headers)
    assert listed.status_code == 200, listed.text
    return [
        (e["date"], e["all_day"], e.get("start_time"), e.get("end_time"), e["description"])
        for e in listed.json()["_embedded"]["availability"]
    ]


async def post_form(
    client: httpx.AsyncClient, path: str, page: str, data: dict[str, Any]
) -> httpx.Response:
    """POST a form of ``page`` (its CSRF token added), unfollowed."""
    return await client.post(path, data={"csrf_token": csrf_of(page), **data})
