"""The games board (``/board``) over HTTP: a site with an assignor and a manager who sign in
(test password), two officials, games made through the API, and readers for the board's days,
game cards and chips."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User
from tests.factories import Member, create_account, create_member, create_user
from tests.support.games import load_site, make_game, setup_site
from tests.support.oauth import PASSWORD
from tests.support.web import text_of

ZONE = "America/Los_Angeles"


@dataclass
class BoardSite:
    site_id: int
    assignor: Member  # makes the games through the API
    assignor_login: str  # an assignor who signs in to the web app
    manager_login: str
    official_login: str  # an official only: the polite page
    official: User
    partner: Member


async def board_site(
    client: httpx.AsyncClient, runtime: Runtime, *, name: str = "Bay Referees"
) -> BoardSite:
    site_id, assignor = await setup_site(client, runtime, timezone=ZONE, name=name)
    site = await load_site(runtime, site_id)
    logins = []
    for flags, first in (
        ({"assignor": True, "official": False}, "Alex"),
        ({"manager": True, "official": False}, "Morgan"),
    ):
        account = await create_account(runtime, password=PASSWORD, first_name=first)
        await create_user(runtime, site, account, **flags)
        logins.append(account.login)
    official_account = await create_account(
        runtime, password=PASSWORD, first_name="Robin", last_name="Whistle"
    )
    official = await create_user(runtime, site, official_account, official=True)
    partner = await create_member(
        runtime, site, official=True, first_name="Casey", last_name="Flag"
    )
    return BoardSite(
        site_id, assignor, logins[0], logins[1], official_account.login, official, partner
    )


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo(ZONE))


async def game_on(
    client: httpx.AsyncClient, desk: BoardSite, when: datetime, n: int, **fields: Any
) -> dict[str, Any]:
    """A published game at the local wall-clock ``when``, teams ``Home n`` / ``Away n``."""
    return await make_game(
        client,
        desk.site_id,
        desk.assignor.headers,
        localized_date=when.date().isoformat(),
        localized_time=when.strftime("%I:%M %p"),
        home_team_name=f"Home {n}",
        away_team_name=f"Away {n}",
        **fields,
    )


def slots_of(game: dict[str, Any]) -> list[int]:
    return [int(a["id"]) for a in game["_embedded"]["assignments"]]


async def act(
    client: httpx.AsyncClient, desk: BoardSite, slot: int, verb: str, **body: Any
) -> dict[str, Any]:
    answer = await client.post(
        f"/api/v2/assignments/{slot}/{verb}", json=body, headers=desk.assignor.headers
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def day_section(page: str, day: date) -> str:
    """The HTML of one day of the board ('' when the day is not shown)."""
    found = re.search(
        rf'<section class="day" id="day-{day.isoformat()}".*?</section>', page, re.DOTALL
    )
    return found.group(0) if found else ""


def day_heading(page: str, day: date) -> str:
    section = day_section(page, day)
    found = re.search(r"<h3[^>]*>(.*?)</h3>", section, re.DOTALL)
    return text_of(found.group(1)) if found else ""


def game_card(page: str, game_id: int) -> str:
    """The text of a game's card ('' when the game is not on the board)."""
    found = re.search(
        rf'<li class="game[^"]*" id="game-{game_id}">.*?</ul>\s*</li>', page, re.DOTALL
    )
    if found is None:
        found = re.search(rf'<li class="game[^"]*" id="game-{game_id}">.*?</li>', page, re.DOTALL)
    return html.unescape(text_of(found.group(0))) if found else ""


def chips(page: str, game_id: int) -> list[tuple[str, str]]:
    """``(href, text)`` of each chip of a game's card."""
    found = re.search(rf'id="game-{game_id}">.*?</ul>', page, re.DOTALL)
    if found is None:
        return []
    return [
        (href, html.unescape(text_of(inner)))
        for href, inner in re.findall(
            r'<a class="chip[^"]*" href="([^"]+)">(.*?)</a>', found.group(0), re.DOTALL
        )
    ]


def summary(page: str) -> str:
    found = re.search(r'<p class="summary"[^>]*>(.*?)\.(?: <a |</p>)', page, re.DOTALL)
    if found is None:
        return ""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()
    return html.unescape(text) + "."


def game_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="game[^"]*" id="game-(\d+)">', page)]
