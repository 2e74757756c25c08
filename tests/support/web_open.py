"""The "Open games" page (``/open-games``) over HTTP: a site that takes game requests, its
officials (with the test password and a token), what the page lists, and what the API says."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_account, create_token, create_user
from tests.support.games import load_site, setup_site
from tests.support.oauth import PASSWORD, csrf_of

PAGE = "/open-games"
ZONE = "America/Los_Angeles"


async def request_site(
    client: httpx.AsyncClient, runtime: Runtime, **settings: Any
) -> tuple[int, Member]:
    """A site in Los Angeles that takes requests and shows open games to officials (no
    availability or ability codes unless ``settings`` say so), and its assignor."""
    values: dict[str, Any] = {
        "timezone": ZONE,
        "show_game_requests": True,
        "show_unassigned_games": True,
        "use_availability": False,
        "use_abilities": False,
        **settings,
    }
    return await setup_site(client, runtime, **values)


async def official_in(runtime: Runtime, site_id: int, **flags: Any) -> Member:
    """An official of the site who can sign in with the test password, and their token."""
    account = await create_account(runtime, password=PASSWORD)
    values = {"official": True, **flags}
    user = await create_user(runtime, await load_site(runtime, site_id), account, **values)
    return Member(account, user, await create_token(runtime, account))


@dataclass(frozen=True)
class Listed:
    """One open game as the page shows it."""

    game_id: int
    day: str
    time: str
    teams: str
    detail: str
    positions: list[tuple[str, str, str]]  # (position, "Fee $45.00", button text or state)


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def _one(pattern: str, fragment: str) -> str:
    found = re.search(pattern, fragment, re.S)
    assert found is not None, (pattern, fragment)
    return _text(found[1])


def listed(page: str) -> list[Listed]:
    """The open games of the page, in page order."""
    section = page.split('id="requestable"', 1)
    if len(section) < 2:
        return []
    found: list[Listed] = []
    for day, games in re.findall(
        r'<h3 class="day">([^<]+)</h3>\s*<ul class="open">(.*?)\n  </ul>', section[1], re.S
    ):
        for game_id, head, positions in re.findall(
            r'<div class="game" id="game-(\d+)">(.*?)</div>\s*<ul class="positions">(.*?)</ul>',
            games,
            re.S,
        ):
            time = _one(r'class="time">([^<]*)<', head)
            teams = _one(r'class="teams">([^<]*)<', head)
            detail = _one(r'class="detail">([^<]*)<', head)
            rows = []
            for item in re.findall(r"<li>(.*?)</li>", positions, re.S):
                name = _one(r'class="position">(.*?)</span>\s*<span class="fee"', item)
                fee = _one(r'class="fee">([^<]*)<', item)
                button = re.search(r"<button[^>]*>([^<]*)</button>", item)
                state = re.search(r'class="state state-\w+">([^<]*)<', item)
                action = button[1] if button else (state[1] if state else "")
                rows.append((name, fee, _text(action)))
            found.append(Listed(int(game_id), _text(day), time, teams, detail, rows))
    return found


def my_requests(page: str) -> list[tuple[str, str]]:
    """``[(teams and detail, status label), ...]`` of the page's My requests section."""
    part = page.split('id="my-requests"', 1)[1].split("</section>", 1)[0]
    return [
        (_text(what), _text(state))
        for what, state in re.findall(
            r'<div class="what"[^>]*>(.*?)</div>\s*<span class="state[^"]*">([^<]*)</span>',
            part,
            re.S,
        )
    ]


def withdraw_forms(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'action="/open-games/requests/(\d+)/withdraw"', page)]


def alert_of(page: str) -> str | None:
    found = re.search(r'<p class="error" role="alert">([^<]*)</p>', page)
    return html_lib.unescape(found[1]) if found else None


def notice_of(page: str) -> str | None:
    found = re.search(r'<p class="notice" role="status">([^<]*)</p>', page)
    return html_lib.unescape(found[1]) if found else None


async def post_request(
    client: httpx.AsyncClient, game_id: int, position_id: int | str | None = None, **extra: str
) -> httpx.Response:
    """Send the page's request form (with the page's CSRF token); the page after the redirect."""
    page = await client.get(PAGE)
    data = {"csrf_token": csrf_of(page.text), "game_id": str(game_id), **extra}
    if position_id is not None:
        data["position_id"] = str(position_id)
    sent = await client.post(f"{PAGE}/requests", data=data)
    assert sent.status_code == 303 and sent.headers["location"] == PAGE, sent.text
    return await client.get(PAGE)


async def post_withdraw(client: httpx.AsyncClient, request_id: int) -> httpx.Response:
    page = await client.get(PAGE)
    sent = await client.post(
        f"{PAGE}/requests/{request_id}/withdraw", data={"csrf_token": csrf_of(page.text)}
    )
    assert sent.status_code == 303 and sent.headers["location"] == PAGE, sent.text
    return await client.get(PAGE)


async def api_requests(
    client: httpx.AsyncClient, site_id: int, who: Member
) -> list[dict[str, Any]]:
    """The site's game requests as the API shows them to ``who`` (newest first)."""
    answer = await client.get(f"/api/v2/sites/{site_id}/game_requests", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["_embedded"]["game_requests"])


async def api_game(client: httpx.AsyncClient, game_id: int, who: Member) -> dict[str, Any]:
    answer = await client.get(f"/api/v2/games/{game_id}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())
