"""The officials pages (``/officials``) over HTTP: a site whose assignor signs in to the web
app (and holds an API token), officials made through the API, and readers for the list's
rows."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import update

from refdesk.server.accounts.models import Account
from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member
from tests.support.games import GAME, load_site, setup_site
from tests.support.oauth import PASSWORD
from tests.support.web import text_of as tagless

ZONE = "America/Los_Angeles"


def today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


async def give_password(runtime: Runtime, account: Account) -> None:
    """The test password on ``account`` (so the person can sign in to the web app)."""
    async with runtime.db.transaction() as session:
        await session.execute(
            update(Account)
            .where(Account.id == account.id)
            .values(password_hash=runtime.passwords.hash(PASSWORD))
        )


@dataclass
class Office:
    """A site in :data:`ZONE` with its assignor (signs in as ``assignor.account.login``)."""

    site_id: int
    assignor: Member

    @property
    def headers(self) -> dict[str, str]:
        return self.assignor.headers


async def make_office(
    client: httpx.AsyncClient, runtime: Runtime, name: str = "Harbor Referees"
) -> Office:
    site_id, assignor = await setup_site(
        client, runtime, timezone=ZONE, name=name, decline_cutoff_hours=1
    )
    await give_password(runtime, assignor.account)
    return Office(site_id, assignor)


async def api_user(
    client: httpx.AsyncClient, office: Office, first: str, last: str, **fields: Any
) -> dict[str, Any]:
    """A user created through ``POST /api/v2/sites/{id}/users``."""
    made = await client.post(
        f"/api/v2/sites/{office.site_id}/users",
        json={
            "first_name": first,
            "last_name": last,
            "email": f"{first.lower()}.{last.lower()}@example.org",
            **fields,
        },
        headers=office.headers,
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


async def official_member(runtime: Runtime, office: Office, first: str, last: str) -> Member:
    """An official with an API token of their own (to decline a slot)."""
    site = await load_site(runtime, office.site_id)
    return await create_member(runtime, site, official=True, first_name=first, last_name=last)


async def game_on(
    client: httpx.AsyncClient, office: Office, day: date, n: int, holders: list[int]
) -> dict[str, Any]:
    """A published game ``Home n vs Away n`` at 9 AM on ``day``; ``holders[i]`` gets slot i."""
    made = await client.post(
        f"/api/v2/sites/{office.site_id}/games",
        json={
            **GAME,
            "localized_date": day.isoformat(),
            "localized_time": "9:00 AM",
            "is_public": "y",
            "home_team_name": f"Home {n}",
            "away_team_name": f"Away {n}",
            "subvenue": f"Field {n}",
        },
        headers=office.headers,
    )
    assert made.status_code == 201, made.text
    slots = made.json()["_embedded"]["assignments"]
    for slot, user_id in zip(slots, holders, strict=False):
        assigned = await client.post(
            f"/api/v2/assignments/{slot['id']}/assign",
            json={"user_id": user_id},
            headers=office.headers,
        )
        assert assigned.status_code == 200, assigned.text
    return dict(made.json())


async def api_get(client: httpx.AsyncClient, office: Office, path: str) -> dict[str, Any]:
    answer = await client.get(f"/api/v2{path}", headers=office.headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def text_of(page: str) -> str:
    return html.unescape(tagless(page))


def rows_of(page: str) -> dict[int, dict[str, str]]:
    """User id -> {column label: cell text} of the list's table."""
    found: dict[int, dict[str, str]] = {}
    for user_id, body in re.findall(r'<tr id="user-(\d+)"[^>]*>(.*?)</tr>', page, re.S):
        cells = dict(
            (label, text_of(cell))
            for label, cell in re.findall(r'data-label="([^"]+)"[^>]*>(.*?)</t[hd]>', body, re.S)
        )
        name = re.search(r'<a href="/officials/\d+">([^<]+)</a>', body)
        assert name, body
        cells["name"] = html.unescape(name.group(1))
        found[int(user_id)] = cells
    return found


def names_in_order(page: str) -> list[str]:
    return [
        html.unescape(n)
        for n in re.findall(
            r'<tr id="user-\d+"[^>]*>\s*<th[^>]*>\s*<a href="/officials/\d+">([^<]+)</a>', page
        )
    ]


def message_of(page: httpx.Response, opening: str) -> str:
    """The text of the layout's one-shot message (``''`` when there is none)."""
    found = page.text.split(opening)[1:]
    return html.unescape(found[0].split("</p>")[0]) if found else ""


def error_of(page: httpx.Response) -> str:
    return message_of(page, '<p class="error" role="alert">')


def notice_of(page: httpx.Response) -> str:
    return message_of(page, '<p class="notice" role="status">')
