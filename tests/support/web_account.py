"""Driving the account page (``/account``) over HTTP: its forms, the messages by their
fields, and what the API says about the account afterwards."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

import httpx

from refdesk.server.accounts.models import Account
from refdesk.server.auth.models import Application
from refdesk.server.auth.service import create_application, issue_tokens
from refdesk.server.runtime import Runtime
from tests.support.oauth import csrf_of

ACCOUNT = "/account"
BACK = "/account#main"  # where the forms redirect (the top of the page, with the message)
FORM = "application/x-www-form-urlencoded"


async def account_page(client: httpx.AsyncClient) -> httpx.Response:
    page = await client.get(ACCOUNT)
    assert page.status_code == 200, page.text
    return page


async def submit(
    client: httpx.AsyncClient, action: str, data: dict[str, Any] | list[tuple[str, str]]
) -> httpx.Response:
    """GET the account page (its CSRF token), then POST ``data`` to ``action``; unfollowed."""
    token = csrf_of((await account_page(client)).text)
    pairs = list(data.items()) if isinstance(data, dict) else list(data)
    body = urlencode([("csrf_token", token), *pairs])
    return await client.post(action, content=body, headers={"Content-Type": FORM})


async def submit_and_follow(
    client: httpx.AsyncClient, action: str, data: dict[str, Any] | list[tuple[str, str]]
) -> httpx.Response:
    """``submit``, which must redirect to the account page, then the page it shows."""
    answer = await submit(client, action, data)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == BACK
    return await account_page(client)


def field_error(page: str, form: str, name: str) -> str | None:
    """The message shown by the field ``name`` of ``form`` (``profile``, ``password``)."""
    match = re.search(rf'<p class="field-error" id="{form}-{name}-error">(.*?)</p>', page, re.S)
    if match is None:
        return None
    return " ".join(html.unescape(m) for m in re.findall(r"<span>(.*?)</span>", match.group(1)))


def input_value(page: str, form: str, name: str) -> str | None:
    match = re.search(rf'<input [^>]*id="{form}-{name}"[^>]*>', page)
    assert match, f"no input {form}-{name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else None


def notice(page: str) -> str | None:
    match = re.search(r'<p class="notice" role="status">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def flash_error(page: str) -> str | None:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def ticked(page: str, user_id: int) -> dict[str, bool]:
    """The notification checkboxes of the profile ``user_id``: kind -> checked."""
    found: dict[str, bool] = {}
    for tag in re.findall(rf'<input type="checkbox" id="notify-{user_id}-[^"]+"[^>]*>', page):
        kind = re.search(r'value="([^"]+)"', tag)
        assert kind
        found[kind.group(1)] = " checked" in tag
    return found


def applications_listed(page: str) -> list[tuple[int, str]]:
    """The connected applications in page order: (id of the revoke form, name)."""
    pattern = r'<h3>(.*?)</h3>.*?action="/account/applications/(\d+)/revoke#applications"'
    return [(int(i), html.unescape(n)) for n, i in re.findall(pattern, page, re.S)]


async def new_application(runtime: Runtime, owner: Account, name: str) -> int:
    """An application of ``owner`` (scopes read write bank); its id."""
    async with runtime.db.transaction() as session:
        created = await create_application(
            session, runtime.hasher, owner.id, name, scopes="read write bank"
        )
    return created.application.id


async def token_of(
    runtime: Runtime, application_id: int, account: Account, scopes: str = "read write"
) -> str:
    """An access token of ``account`` issued to the application (as a grant would)."""
    async with runtime.db.transaction() as session:
        application = await session.get(Application, application_id)
        assert application is not None
        body = await issue_tokens(session, runtime, application, account.id, set(scopes.split()))
    return str(body["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def api_account(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    answer = await client.get("/api/v2/current_account", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body
