"""Driving the web app (``server/web/``) over HTTP: sign in, the forms' CSRF tokens, cookies,
and an official with games in a site."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from refdesk.server.accounts.models import Account
from refdesk.server.accounts.service import set_account_flags
from refdesk.server.auth import browser_session
from refdesk.server.runtime import Runtime
from tests.factories import Member, create_account, create_user
from tests.support.games import load_site, make_game, setup_site
from tests.support.oauth import PASSWORD, csrf_of

SESSION = browser_session.COOKIE
VISITOR_CSRF = "refdesk_csrf"
BAD_LOGIN = "The login or password is incorrect"
SIGN_IN_FORM = 'action="/sign-in"'


def signed_in_page(response: httpx.Response) -> bool:
    return response.status_code == 200 and 'action="/sign-out"' in response.text


def sign_in_page(response: httpx.Response) -> bool:
    return SIGN_IN_FORM in response.text and 'action="/sign-out"' not in response.text


async def sign_in(
    client: httpx.AsyncClient, login: str, password: str = PASSWORD
) -> httpx.Response:
    """GET ``/`` (the form and its CSRF cookie), then POST the form; the answer unfollowed."""
    page = await client.get("/")
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf_of(page.text), "login": login, "password": password}
    return await client.post("/sign-in", data=data)


async def signed_in_client(
    client: httpx.AsyncClient, login: str, password: str = PASSWORD
) -> httpx.Response:
    """Sign in and return the home page."""
    answer = await sign_in(client, login, password)
    assert answer.status_code == 303, answer.text
    home = await client.get("/")
    assert signed_in_page(home), home.text
    return home


def set_cookie(response: httpx.Response, name: str) -> str:
    """The ``Set-Cookie`` header of the response that sets ``name``."""
    for value in response.headers.get_list("set-cookie"):
        if value.startswith(f"{name}="):
            return value
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.get_list('set-cookie')}")


def cookie_flags(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def text_of(html: str) -> str:
    """The page without its tags and CSRF values (to compare two pages' wording)."""
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


async def set_active(runtime: Runtime, account: Account, active: bool) -> None:
    """An operator's deactivation (no API for it yet: the service function)."""
    async with runtime.db.transaction() as session:
        await set_account_flags(session, account.id, active=active)


@dataclass
class OfficialSite:
    site_id: int
    assignor: Member
    account: Account
    games: list[dict[str, Any]]


async def official_with_games(
    client: httpx.AsyncClient,
    runtime: Runtime,
    starts: list[tuple[int, str]],
    *,
    account: Account | None = None,
    timezone: str = "America/Los_Angeles",
    name: str | None = None,
) -> OfficialSite:
    """A site in ``timezone`` whose official (``account``, with the test password) holds the
    Referee slot of one published game per ``(days from today, "h:mm AM")`` in ``starts``."""
    site_fields: dict[str, Any] = {"timezone": timezone}
    if name is not None:
        site_fields["name"] = name
    site_id, assignor = await setup_site(client, runtime, **site_fields)
    person = account or await create_account(runtime, password=PASSWORD)
    user = await create_user(runtime, await load_site(runtime, site_id), person, official=True)
    today = datetime.now(ZoneInfo(timezone)).date()
    games = []
    for n, (days, clock) in enumerate(starts):
        day = (today + timedelta(days=days)).isoformat()
        game = await make_game(
            client,
            site_id,
            assignor.headers,
            localized_date=day,
            localized_time=clock,
            home_team_name=f"Home {n}",
            away_team_name=f"Away {n}",
        )
        slot = game["_embedded"]["assignments"][0]["id"]
        assigned = await client.post(
            f"/api/v2/assignments/{slot}/assign",
            json={"user_id": user.id},
            headers=assignor.headers,
        )
        assert assigned.status_code == 200, assigned.text
        games.append(game)
    return OfficialSite(site_id, assignor, person, games)


async def assert_signed_in_by_link(
    client: httpx.AsyncClient, answer: httpx.Response, notice: str
) -> None:
    """An e-mailed link's form set the password: 303 home with a session cookie; the home
    page is signed in and shows ``notice`` once. The session cookie is then dropped, so the
    test goes on as a visitor."""
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/"
    assert set_cookie(answer, SESSION)
    home = await client.get("/")
    assert signed_in_page(home), home.text
    assert notice in home.text
    assert notice not in (await client.get("/")).text  # shown once
    client.cookies.delete(SESSION)


# -- the layout's one-shot message after a form (Post/Redirect/Get) -------------------


async def followed(client: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    """The page a form's 303 leads to."""
    assert answer.status_code == 303, answer.text
    page = await client.get(answer.headers["location"])
    assert page.status_code == 200, page.text
    return page


def message_of(page: httpx.Response, opening: str) -> str:
    """The text of the layout's one-shot message (``''`` when there is none)."""
    found = page.text.split(opening)[1:]
    return html.unescape(found[0].split("</p>")[0]) if found else ""


def error_of(page: httpx.Response) -> str:
    return message_of(page, '<p class="error" role="alert">')


def notice_of(page: httpx.Response) -> str:
    return message_of(page, '<p class="notice" role="status">')
