"""The "My games" page (``/games``) over HTTP: a site whose official holds slots of games at
chosen times (made and assigned through the API by its assignor), and readers for the page's
sections, day headings and game cards."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User
from tests.factories import Member, create_account, create_member, create_user
from tests.support.games import GAME, load_site, setup_site
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import text_of as tagless


@dataclass
class Desk:
    """A site (``timezone``, ``decline_cutoff_hours``) with its assignor, the official who signs
    in (``login`` with the test password, ``user``), a partner official, and their games."""

    site_id: int
    assignor: Member
    login: str
    user: User
    partner: Member
    games: list[dict[str, Any]] = field(default_factory=list)

    def slot_of(self, game: dict[str, Any]) -> int:
        """The official's slot (the game's first, the Referee) of a game made by ``game_at``."""
        return int(game["_embedded"]["assignments"][0]["id"])


async def make_desk(
    client: httpx.AsyncClient,
    runtime: Runtime,
    *,
    timezone: str = "America/Los_Angeles",
    cutoff_hours: int = 36,
    name: str = "Pacific Youth Soccer",
) -> Desk:
    site_id, assignor = await setup_site(
        client, runtime, timezone=timezone, name=name, decline_cutoff_hours=cutoff_hours
    )
    site = await load_site(runtime, site_id)
    account = await create_account(
        runtime, password=PASSWORD, first_name="Robin", last_name="Official"
    )
    user = await create_user(runtime, site, account, official=True)
    partner = await create_member(
        runtime, site, official=True, first_name="Casey", last_name="Linesman"
    )
    return Desk(site_id, assignor, account.login, user, partner)


def utc_text(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:00+00:00")


async def game_at(
    client: httpx.AsyncClient,
    desk: Desk,
    when: datetime,
    n: int,
    *,
    partner: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    """A published game ``Home n vs Away n`` starting at ``when``; the official holds its
    Referee slot (and the partner the first Assistant Referee slot when ``partner``). The
    game as the assignor reads it after the assignments."""
    made = await client.post(
        f"/api/v2/sites/{desk.site_id}/games",
        json={
            **GAME,
            "date_time": utc_text(when),
            "is_public": "y",
            "home_team_name": f"Home {n}",
            "away_team_name": f"Away {n}",
            **fields,
        },
        headers=desk.assignor.headers,
    )
    assert made.status_code == 201, made.text
    slots = made.json()["_embedded"]["assignments"]
    holders = [(slots[0]["id"], desk.user.id)]
    if partner:
        holders.append((slots[1]["id"], desk.partner.user.id))
    for slot_id, user_id in holders:
        assigned = await client.post(
            f"/api/v2/assignments/{slot_id}/assign",
            json={"user_id": user_id},
            headers=desk.assignor.headers,
        )
        assert assigned.status_code == 200, assigned.text
    game = await client.get(f"/api/v2/games/{made.json()['id']}", headers=desk.assignor.headers)
    desk.games.append(game.json())
    return dict(game.json())


async def slot_state(client: httpx.AsyncClient, desk: Desk, slot_id: int) -> dict[str, Any]:
    """The slot as the API shows it to the assignor."""
    answer = await client.get(f"/api/v2/assignments/{slot_id}", headers=desk.assignor.headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def section(page: str, heading_id: str) -> str:
    """The ``<section>`` labelled by the heading ``heading_id`` (``upcoming``, ``past``)."""
    found = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    assert found, f"no section {heading_id}"
    return found.group(1)


def days_of(page: str) -> list[tuple[str, list[str]]]:
    """``[(day heading, ["9:00 AM Home 1 vs Away 1", ...]), ...]`` of a section, in order."""
    found: list[tuple[str, list[str]]] = []
    for heading, items in re.findall(
        r'<h3 class="day">([^<]+)</h3>\s*<ul class="cards">(.*?)\n  </ul>', page, re.S
    ):
        games = [
            f"{time.split(' – ')[0]} {teams}"
            for time, teams in re.findall(
                r'<p class="when">([^<]+)</p>\s*<h4 class="teams"[^>]*>([^<]+)</h4>', items
            )
        ]
        found.append((heading, games))
    return found


def cards(page: str) -> dict[str, str]:
    """Teams (``Home 0 vs Away 0``) -> the card's HTML."""
    found = {}
    for block in re.findall(r'<li class="card[^"]*" id="game-\d+">(.*?)\n    </li>', page, re.S):
        teams = re.search(r'<h4 class="teams"[^>]*>([^<]+)</h4>', block)
        assert teams, block
        found[teams.group(1)] = block
    return found


def text_of(page: str) -> str:
    """What the person reads: the text without tags, entities decoded, spaces collapsed."""
    return html.unescape(tagless(page))


def card_text(page: str, teams: str) -> str:
    """What the person reads on one game's card."""
    return text_of(cards(page)[teams])


def form_fields(card: str, action: str) -> dict[str, str]:
    """The hidden fields of the card's form posting to ``.../<action>``."""
    form = re.search(
        rf'<form method="post" action="([^"]*/{action})"[^>]*>(.*?)</form>', card, re.S
    )
    assert form, f"no {action} form"
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2))
    )
    fields["action"] = form.group(1)
    return fields


async def post_form(
    client: httpx.AsyncClient, page: httpx.Response, teams: str, action: str, **extra: str
) -> httpx.Response:
    """Submit the card's ``action`` form as the browser would (plus ``extra`` fields)."""
    fields = form_fields(cards(page.text)[teams], action)
    target = fields.pop("action")
    assert fields["csrf_token"] == csrf_of(page.text)
    return await client.post(target, data={**fields, **extra})
