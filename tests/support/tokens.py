"""Helpers of the principal-cache tests: tokens from the real OAuth endpoints, and what a
request with one answers."""

from __future__ import annotations

from typing import Any

import httpx

from refdesk.server.auth.service import NewApplication
from tests.support.oauth import REDIRECT, assert_token, authorization_code, basic

ACCOUNT = "/api/v2/current_account"
APPLICATIONS = "/api/v2/current_account/applications"


def bearer(token: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def client_auth(app: NewApplication) -> dict[str, str]:
    return basic(app.application.client_id, app.client_secret or "")


async def client_token(client: httpx.AsyncClient, app: NewApplication) -> str:
    answer = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": app.application.scopes},
        headers=client_auth(app),
    )
    return str(assert_token(answer, app.application.scopes)["access_token"])


async def grant(client: httpx.AsyncClient, app: NewApplication, login: str) -> dict[str, Any]:
    """One authorization-code grant of ``login`` (its code and token response)."""
    params = {
        "response_type": "code",
        "client_id": app.application.client_id,
        "redirect_uri": REDIRECT,
        "scope": "read write",
    }
    code = await authorization_code(client, params, login)
    body = assert_token(await exchange(client, app, code), "read write")
    return {**body, "code": code}


async def exchange(client: httpx.AsyncClient, app: NewApplication, code: str) -> httpx.Response:
    return await client.post(
        "/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        headers=client_auth(app),
    )


async def refresh(client: httpx.AsyncClient, app: NewApplication, token: object) -> httpx.Response:
    return await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(token)},
        headers=client_auth(app),
    )


async def status(client: httpx.AsyncClient, token: object) -> int:
    """What a read with the token answers: 200, or 401 once it no longer works."""
    return (await client.get(ACCOUNT, headers=bearer(token))).status_code


async def write_status(client: httpx.AsyncClient, token: object) -> int:
    """A harmless write (the account's own name, unchanged): 200 with ``write``, else 403."""
    answer = await client.get(ACCOUNT, headers=bearer(token))
    first = answer.json()["first_name"] if answer.status_code == 200 else "x"
    put = await client.put(ACCOUNT, json={"account": {"first_name": first}}, headers=bearer(token))
    return put.status_code
