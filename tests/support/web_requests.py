"""The "Requests" and "Messages" pages (``/requests``, ``/messages``) over HTTP: assignors and
managers who can sign in, reading the pages, sending their forms, and what the API says."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import Member
from tests.support.oauth import csrf_of
from tests.support.web_open import official_in

REQUESTS = "/requests"
MESSAGES = "/messages"


async def staff_in(runtime: Runtime, site_id: int, **flags: Any) -> Member:
    """An assignor (or, with ``manager=True, assignor=False``, a manager) of the site who is
    no official, signs in with the test password, and has a token."""
    values = {"official": False, "assignor": True, **flags}
    return await official_in(runtime, site_id, **values)


def text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


@dataclass(frozen=True)
class Shown:
    """One request as the page shows it."""

    id: int
    official: str
    teams: str
    detail: str
    status: str
    buttons: list[str]


def _section(page: str, heading_id: str) -> str:
    parts = page.split(f'id="{heading_id}"', 1)
    return parts[1].split("</section>", 1)[0] if len(parts) == 2 else ""


def shown(page: str, section: str = "pending") -> list[Shown]:
    """The requests of a section (``pending``, ``recent``, ``all``) in page order."""
    found = []
    for item in re.findall(
        r"<li>\s*(<div class=\"what\".*?)\n    </li>", _section(page, section), re.S
    ):
        number = re.search(r'id="request-(\d+)"', item)
        assert number is not None, item
        official = re.search(r'class="official">([^<]*)<', item)
        teams = re.search(r'class="teams">([^<]*)<', item)
        detail = re.search(r'class="detail">([^<]*)<', item)
        state = re.search(r'class="state state-\w+">([^<]*)<', item)
        assert official and teams and detail and state, item
        buttons = [text(b) for b in re.findall(r"<button[^>]*>([^<]*)</button>", item)]
        found.append(
            Shown(
                int(number[1]),
                text(official[1]),
                text(teams[1]),
                text(detail[1]),
                text(state[1]),
                buttons,
            )
        )
    return found


def alert_of(page: str) -> str | None:
    found = re.search(r'<p class="error" role="alert">([^<]*)</p>', page)
    return html_lib.unescape(found[1]) if found else None


def notice_of(page: str) -> str | None:
    found = re.search(r'<p class="notice" role="status">([^<]*)</p>', page)
    return html_lib.unescape(found[1]) if found else None


async def decide(
    client: httpx.AsyncClient, request_id: int, action: str, *, back: str = REQUESTS
) -> httpx.Response:
    """Press Approve or Decline (``action``) on the page; the raw answer (not followed)."""
    page = await client.get(back)
    return await client.post(
        f"{REQUESTS}/{request_id}/{action}", data={"csrf_token": csrf_of(page.text)}
    )


async def api_request(client: httpx.AsyncClient, request_id: int, who: Member) -> dict[str, Any]:
    answer = await client.get(f"/api/v2/game_requests/{request_id}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def api_messages(
    client: httpx.AsyncClient, site_id: int, who: Member
) -> list[dict[str, Any]]:
    answer = await client.get(f"/api/v2/sites/{site_id}/messages", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["_embedded"]["messages"])


async def send_message(client: httpx.AsyncClient, **fields: Any) -> httpx.Response:
    """Send the message form with the page's CSRF token; the raw answer (not followed).
    ``recipient_ids`` may be a list."""
    page = await client.get(MESSAGES)
    data: dict[str, Any] = {"csrf_token": csrf_of(page.text), **fields}
    if "recipient_ids" in data:  # the checkboxes' name
        data["recipient_ids[]"] = data.pop("recipient_ids")
    return await client.post(MESSAGES, data=data)


def field_errors(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, message in re.findall(r'<p class="field-error" id="([\w]+)-error">([^<]*)</p>', page):
        found.setdefault(name, []).append(html_lib.unescape(message))
    return found


def checked_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="recipient_ids\[\]" value="(\d+)" checked', page)]


def listed_officials(page: str) -> list[str]:
    return [text(label) for label in re.findall(r'<label for="r-\d+">(.*?)</label>', page, re.S)]


def sent_subjects(page: str) -> list[tuple[str, str]]:
    """``[(subject, delivery status label), ...]`` of the sent list."""
    part = _section(page, "sent")
    return [
        (text(subject), text(state))
        for subject, state in re.findall(
            r'class="subject">([^<]*)</span>.*?class="state state-\w+">([^<]*)<', part, re.S
        )
    ]
