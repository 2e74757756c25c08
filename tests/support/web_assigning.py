"""The assigning panel (``/board/slots/{id}``) over HTTP: a site with an assignor, a manager
and an official who sign in, candidates with chosen conflicts, a game with a vacant slot, and
readers for the panel's candidate cards."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User
from tests.factories import Member, create_account, create_user
from tests.support.games import load_site, make_game, setup_site
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import text_of

ZONE = "America/Los_Angeles"


@dataclass
class Panel:
    """A site whose game (``Hawks vs Falcons``, ``day`` at 9:00 AM) has a vacant Referee slot
    (``slot_id``). Candidates: ``avail`` (available all day, grade "Grade 7", holds another
    game that afternoon: no conflict), ``busy`` (no availability: ``D``), ``away`` (available,
    holds an overlapping game: ``E``). ``assignor``, ``manager`` and ``official`` (the
    ``busy`` candidate) sign in with the test password; ``api`` is the API's assignor."""

    site_id: int
    api: Member
    assignor: str
    manager: str
    official: str
    avail: User
    busy: User
    away: User
    game: dict[str, Any]
    slot_id: int
    day: str

    @property
    def href(self) -> str:
        return f"/board/slots/{self.slot_id}"


async def person(runtime: Runtime, site: Any, first: str, last: str, **flags: Any) -> Any:
    account = await create_account(runtime, password=PASSWORD, first_name=first, last_name=last)
    user = await create_user(runtime, site, account, **flags)
    return account, user


async def available_on(client: httpx.AsyncClient, api: Member, user: User, day: str) -> None:
    made = await client.post(
        f"/api/v2/users/{user.id}/availability", json={"date": day}, headers=api.headers
    )
    assert made.status_code == 201, made.text


async def assign_api(
    client: httpx.AsyncClient, api: Member, slot_id: int, user_id: int
) -> dict[str, Any]:
    done = await client.post(
        f"/api/v2/assignments/{slot_id}/assign", json={"user_id": user_id}, headers=api.headers
    )
    assert done.status_code == 200, done.text
    return dict(done.json())


async def make_panel(
    client: httpx.AsyncClient, runtime: Runtime, name: str = "Valley Youth Soccer"
) -> Panel:
    site_id, api = await setup_site(client, runtime, timezone=ZONE, use_abilities=False, name=name)
    site = await load_site(runtime, site_id)
    assignor, _ = await person(runtime, site, "Ada", "Assignor", assignor=True, official=False)
    manager, _ = await person(runtime, site, "Max", "Manager", manager=True, official=False)
    _, avail = await person(runtime, site, "Alex", "Avail", official=True, grade="Grade 7")
    official, busy = await person(runtime, site, "Blair", "Busy", official=True)
    _, away = await person(runtime, site, "Cody", "Away", official=True)
    day = (datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=10)).isoformat()
    game = await make_game(client, site_id, api.headers, localized_date=day)
    for user in (avail, away):
        await available_on(client, api, user, day)
    later = await make_game(
        client,
        site_id,
        api.headers,
        localized_date=day,
        localized_time="2:00 PM",
        home_team_name="Owls",
        away_team_name="Larks",
    )
    clash = await make_game(
        client,
        site_id,
        api.headers,
        localized_date=day,
        localized_time="9:30 AM",
        home_team_name="Bears",
        away_team_name="Wolves",
    )
    await assign_api(client, api, later["_embedded"]["assignments"][0]["id"], avail.id)
    await assign_api(client, api, clash["_embedded"]["assignments"][0]["id"], away.id)
    return Panel(
        site_id,
        api,
        assignor.login,
        manager.login,
        official.login,
        avail,
        busy,
        away,
        game,
        int(game["_embedded"]["assignments"][0]["id"]),
        day,
    )


async def api_slot(client: httpx.AsyncClient, panel: Panel) -> dict[str, Any]:
    got = await client.get(f"/api/v2/assignments/{panel.slot_id}", headers=panel.api.headers)
    assert got.status_code == 200, got.text
    return dict(got.json())


def holder_of(slot: dict[str, Any]) -> int | None:
    official = slot.get("_embedded", {}).get("official")
    return int(official["id"]) if official else None


async def api_candidates(
    client: httpx.AsyncClient, panel: Panel, **search: str
) -> list[tuple[int, list[str]]]:
    params = {f"search[{k}]": v for k, v in search.items()}
    got = await client.get(
        f"/api/v2/assignments/{panel.slot_id}/candidates",
        params={**params, "limit": "50"},
        headers=panel.api.headers,
    )
    assert got.status_code == 200, got.text
    return [(c["user_id"], c["conflicts"]) for c in got.json()["_embedded"]["candidates"]]


CARD = re.compile(
    r'<li class="card[^"]*" id="candidate-(\d+)">(.*?)</li>\s*(?=<li class="card|</ol>)', re.S
)
CODE = re.compile(r'<li class="code-([A-Z]+)">')


def cards(page: str) -> dict[int, str]:
    """User id -> the card's HTML, in the page's order."""
    return {int(m.group(1)): m.group(2) for m in CARD.finditer(page)}


def codes_of(card: str) -> list[str]:
    return CODE.findall(card)


def card_text(card: str) -> str:
    return html.unescape(text_of(card))


def form_fields(page: str, action: str, user_id: int | None = None) -> dict[str, str]:
    """The hidden fields of the form posting to ``action`` (for ``user_id`` when given)."""
    for form in re.findall(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', page, re.S):
        if form[0] != action:
            continue
        fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form[1]))
        if user_id is None or fields.get("user_id") == str(user_id):
            return fields
    raise AssertionError(f"no form {action} for {user_id}")


__all__ = ["ZONE", "Panel", "csrf_of", "make_panel"]
