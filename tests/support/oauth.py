"""OAuth helpers: applications, token answers, and driving the HTML login/consent."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from refdesk.server.accounts.models import Account
from refdesk.server.auth.service import NewApplication, create_application
from refdesk.server.runtime import Runtime

PASSWORD = "correct horse battery"
REDIRECT = "https://client.example.org/cb"
OOB = "urn:ietf:wg:oauth:2.0:oob"
TOKEN_RE = re.compile(r"^[0-9a-f]{64}$")
RFC9457 = ("error", "error_description", "message", "type", "title", "status", "detail")


def assert_error(response: httpx.Response, status: int, error: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    for member in RFC9457:
        assert member in body, member
    assert body["error"] == error
    assert body["status"] == status
    assert body["error_description"] == body["message"] == body["detail"]
    assert body["type"] == f"https://testserver/problems/{error}"
    assert response.headers["cache-control"] == "no-store"
    return dict(body)


def assert_token(response: httpx.Response, scope: str = "read") -> dict[str, object]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert TOKEN_RE.match(body["access_token"])
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 7200
    assert body["scope"] == scope
    assert isinstance(body["created_at"], int)
    return dict(body)


async def make_app(
    rt: Runtime, account: Account, *, name: str = "Test app", **kwargs: Any
) -> NewApplication:
    kwargs.setdefault("redirect_uris", [REDIRECT, OOB])
    kwargs.setdefault("scopes", "read write")
    async with rt.db.transaction() as session:
        return await create_application(session, rt.hasher, account.id, name, **kwargs)


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def hidden_fields(page: str) -> dict[str, str]:
    pattern = r'<input type="hidden" name="([^"]+)" value="([^"]*)">'
    return {k: html.unescape(v) for k, v in re.findall(pattern, page)}


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@dataclass
class Owner:
    """An account that owns applications, and a person who can log in and approve."""

    owner: Account
    person: Account


async def login_and_consent(
    client: httpx.AsyncClient,
    params: dict[str, str],
    login: str,
    password: str = PASSWORD,
    decision: str = "approve",
) -> httpx.Response:
    """GET the page, POST the login form, POST the consent form; return the last response."""
    page = await client.get("/oauth/authorize", params=params)
    assert page.status_code == 200, page.text
    form = hidden_fields(page.text)
    form.update(login=login, password=password)
    consent = await client.post("/oauth/authorize", data=form)
    assert consent.status_code == 200, consent.text
    assert 'value="approve"' in consent.text
    form = hidden_fields(consent.text)
    form["decision"] = decision
    return await client.post("/oauth/authorize", data=form)


async def authorization_code(client: httpx.AsyncClient, params: dict[str, str], login: str) -> str:
    response = await login_and_consent(client, params, login)
    assert response.status_code == 302, response.text
    return query_of(response.headers["location"])["code"]


async def login_form(client: httpx.AsyncClient, rt: Runtime, owner: Account) -> dict[str, str]:
    """The hidden fields of the login page of a new application of ``owner``."""
    app = await make_app(rt, owner)
    params = {"response_type": "code", "client_id": app.application.client_id}
    page = await client.get("/oauth/authorize", params={**params, "redirect_uri": REDIRECT})
    assert page.status_code == 200, page.text
    return hidden_fields(page.text)


async def sign_in(
    client: httpx.AsyncClient, form: dict[str, str], login: str, password: str
) -> httpx.Response:
    """POST the login form; the consent page (``value="approve"``) means success."""
    data = {**form, "login": login, "password": password}
    return await client.post("/oauth/authorize", data=data)


def refused_as_incorrect(response: httpx.Response) -> bool:
    return response.status_code == 200 and "The login or password is incorrect" in response.text


def signed_in(response: httpx.Response) -> bool:
    return response.status_code == 200 and 'value="approve"' in response.text


async def client_token(client: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(client_id, secret)
    )
