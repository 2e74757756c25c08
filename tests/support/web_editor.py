"""The game editor (``/board/games/…``) over HTTP: a site with an assignor who signs in (and
an API token to check what was written), and a reader of the editor's form that submits it
as a browser would (hidden, text, date, time, ticked boxes, selected options, text areas)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User
from tests.factories import Member, create_account, create_token, create_user
from tests.support.games import load_site, setup_site
from tests.support.oauth import PASSWORD


@dataclass
class Office:
    """A site (pattern "3 officials") with the API's assignor and a signing-in assignor."""

    site_id: int
    api: Member  # an assignor with a bearer token: reads what the pages wrote
    login: str  # the assignor who signs in to the web app (the test password)
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_office(
    client: httpx.AsyncClient, runtime: Runtime, *, timezone: str = "America/New_York"
) -> Office:
    site_id, api = await setup_site(client, runtime, timezone=timezone, name="Harbor Referees")
    account = await create_account(
        runtime, password=PASSWORD, first_name="Alex", last_name="Assignor"
    )
    user = await create_user(
        runtime, await load_site(runtime, site_id), account, assignor=True, official=False
    )
    return Office(site_id, api, account.login, user, await create_token(runtime, account))


async def person_in(runtime: Runtime, office: Office, **flags: Any) -> str:
    """The login of another person of the site with ``flags`` (official, manager…)."""
    account = await create_account(runtime, password=PASSWORD)
    await create_user(runtime, await load_site(runtime, office.site_id), account, **flags)
    return str(account.login)


def editor_form(page: str, action: str | None = None) -> tuple[str, dict[str, str]]:
    """``(action, fields)`` of the page's form (the editor's ``class="editor"`` one unless
    ``action`` names another), as the browser would send it."""
    if action is None:
        found = re.search(
            r'<form method="post" action="([^"]+)" class="editor"[^>]*>(.*?)</form>', page, re.S
        )
    else:
        found = re.search(
            rf'<form method="post" action="({re.escape(action)})"[^>]*>(.*?)</form>', page, re.S
        )
    assert found, f"no form {action or 'editor'}"
    body = found.group(2)
    fields: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", body):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) == "checkbox" and " checked" not in tag:
            continue
        fields[name.group(1)] = html.unescape(value.group(1) if value else "")
    for name, options in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields[name] = html.unescape(chosen.group(1)) if chosen else ""
    for name, text in re.findall(
        r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', body, re.S
    ):
        fields[name] = html.unescape(text)
    return found.group(1), fields


def options_of(page: str, select: str) -> dict[str, str]:
    """A select's options: label -> value."""
    found = re.search(rf'<select [^>]*name="{select}"[^>]*>(.*?)</select>', page, re.S)
    assert found, select
    return {
        html.unescape(label): value
        for value, label in re.findall(
            r'<option value="([^"]*)"[^>]*>([^<]*)</option>', found.group(1)
        )
    }


def message_of(page: str, opening: str) -> str:
    found = page.split(opening)[1:]
    return html.unescape(found[0].split("</p>")[0]) if found else ""


def notice_of(page: str) -> str:
    return message_of(page, '<p class="notice" role="status">')


def error_of(page: str) -> str:
    return message_of(page, '<p class="error" role="alert">')


def conflict_rows(page: str) -> dict[str, tuple[str, str, str]]:
    """The conflict table: field label -> (yours, theirs, original)."""
    rows: dict[str, tuple[str, str, str]] = {}
    for label, mine, theirs, original in re.findall(
        r'<th scope="row">([^<]+?)\s*(?:<span class="tag">[^<]*</span>)?</th>\s*'
        r"<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>",
        page,
        re.S,
    ):
        rows[html.unescape(label.strip())] = tuple(
            html.unescape(v) for v in (mine, theirs, original)
        )  # type: ignore[assignment]
    return rows
