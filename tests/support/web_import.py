"""The CSV import pages (``/board/import``) under test: an assignor signed in to the page (the
CLI harness's ``desk`` assignor, so that the CLI can import the same file), uploads, and
readers for the preview and the result tables."""

from __future__ import annotations

import asyncio
import html
import re
from typing import Any

import httpx
from sqlalchemy import update

from refdesk.server.accounts.models import Account
from refdesk.server.runtime import Runtime
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import signed_in_client

ROW = re.compile(
    r'<tr id="row-(\d+)" class="act-([a-z]+)">.*?<td>(.*?)</td><td><span[^>]*>(.*?)</span></td>'
    r"<td>(.*?)</td></tr>",
    re.S,
)


async def set_password(runtime: Runtime, account: Account) -> None:
    async with runtime.db.transaction() as session:
        await session.execute(
            update(Account)
            .where(Account.id == account.id)
            .values(password_hash=runtime.passwords.hash(PASSWORD))
        )


async def sign_in_with_password(
    client: httpx.AsyncClient, runtime: Runtime, account: Account
) -> None:
    await set_password(runtime, account)
    await signed_in_client(client, account.login)


async def upload(
    client: httpx.AsyncClient,
    data: bytes | str,
    *,
    filename: str = "games.csv",
    token: str | None = None,
) -> httpx.Response:
    """POST the multipart form as a browser does (the CSRF token from the form page)."""
    if token is None:
        form = await client.get("/board/import")
        assert form.status_code == 200, form.text
        token = csrf_of(form.text)
    body = data.encode() if isinstance(data, str) else data
    return await client.post(
        "/board/import",
        data={"csrf_token": token},
        files={"file": (filename, body, "text/csv")},
    )


def rows_of(page: str) -> dict[int, tuple[str, str, str, str]]:
    """Row number -> (class, game, badge, why) of the preview or result table."""
    return {
        int(m.group(1)): (
            m.group(2),
            html.unescape(m.group(3)),
            html.unescape(m.group(4)),
            html.unescape(m.group(5)),
        )
        for m in ROW.finditer(page)
    }


async def start_and_wait(client: httpx.AsyncClient, location: str) -> httpx.Response:
    """Press Import on the preview, follow the progress page until the result."""
    page = await client.get(location)
    started = await client.post(f"{location}/start", data={"csrf_token": csrf_of(page.text)})
    assert started.status_code == 303 and started.headers["location"] == location
    for _ in range(400):
        shown = await client.get(location)
        assert shown.status_code == 200
        if 'http-equiv="refresh"' not in shown.text:
            return shown
        await asyncio.sleep(0.05)
    raise AssertionError("the import did not finish")


async def site_games(
    client: httpx.AsyncClient, site_id: int, headers: dict[str, str]
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        resp = await client.get(
            f"/api/v2/sites/{site_id}/games?limit=50&page={page}", headers=headers
        )
        assert resp.status_code == 200, resp.text
        games = resp.json()["_embedded"]["games"]
        found.extend(games)
        if len(games) < 50:
            return found
        page += 1
