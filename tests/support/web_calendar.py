"""The calendar feed page (``/account/calendar``) over HTTP: the URL it shows."""

from __future__ import annotations

import html
import re

import httpx

from refdesk.server.accounts.models import Account
from refdesk.server.runtime import Runtime
from tests.factories import create_token


def shown_url(page: httpx.Response) -> str:
    """The feed URL in the page's read-only field."""
    match = re.search(
        r'<input type="text" id="feed-url" name="feed_url" value="([^"]+)"', page.text
    )
    assert match, page.text
    return html.unescape(match.group(1))


def shown_webcal(page: httpx.Response) -> str:
    match = re.search(r'<a href="(webcal://[^"]+)">', page.text)
    assert match, page.text
    return html.unescape(match.group(1))


async def api_feed_url(client: httpx.AsyncClient, runtime: Runtime, account: Account) -> str:
    """The account's feed URL as ``GET /api/v2/current_account/calendar`` gives it."""
    token = await create_token(runtime, account, "read")
    resp = await client.get(
        "/api/v2/current_account/calendar", headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status_code == 200, resp.text
    return str(resp.json()["url"])
