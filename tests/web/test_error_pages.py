"""Error pages for people (``web/errors.py``): a browser on the web app's paths gets a page in
the layout; machines, and every API path whatever it asks for, keep the contract's JSON body."""

from __future__ import annotations

import logging

import httpx
import pytest

from refdesk.server.runtime import Runtime
from refdesk.server.web import home as home_view
from tests.factories import create_account
from tests.support.oauth import PASSWORD
from tests.support.web import signed_in_client

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def is_page(response: httpx.Response) -> bool:
    return response.headers["content-type"].startswith("text/html") and (
        "<!DOCTYPE html>" in response.text
    )


async def test_an_unknown_address_is_a_page_for_a_browser_and_json_otherwise(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/no-such-page", headers=BROWSER)
    assert page.status_code == 404 and is_page(page)
    assert "Page not found" in page.text and 'href="/"' in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    plain = await client.get("/no-such-page")
    assert plain.status_code == 404
    assert "json" in plain.headers["content-type"]
    assert "not_found" in plain.text


@pytest.mark.parametrize(
    "path", ["/api/v2/no-such-thing", "/api/v2/games/0", "/oauth/nothing", "/healthz/x"]
)
async def test_machine_paths_keep_the_json_body_even_for_a_browser(
    client: httpx.AsyncClient, path: str
) -> None:
    answer = await client.get(path, headers=BROWSER)
    assert answer.status_code in (401, 404), answer.text
    assert not is_page(answer)


async def test_a_method_the_address_does_not_take_is_a_page(client: httpx.AsyncClient) -> None:
    answer = await client.put("/sign-in", headers=BROWSER)
    assert answer.status_code == 405 and is_page(answer), answer.text
    assert "Not allowed here" in answer.text
    assert "POST" in answer.headers["allow"]


async def test_an_unexpected_failure_is_a_page_with_the_logged_incident(
    client: httpx.AsyncClient,
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    account = await create_account(runtime, password=PASSWORD)
    await signed_in_client(client, account.login)

    async def broken(*args: object) -> None:
        raise RuntimeError("a fault injected into the home view")

    monkeypatch.setattr(home_view, "home", broken)
    with caplog.at_level(logging.ERROR, logger="refdesk"):
        answer = await client.get("/", headers=BROWSER)
    assert answer.status_code == 500 and is_page(answer)
    assert "Something went wrong" in answer.text
    incidents = [r.getMessage() for r in caplog.records if "incident" in r.getMessage()]
    assert len(incidents) == 1
    incident = incidents[0].split()[1].rstrip(":")
    assert f"quote incident {incident}" in answer.text
    assert "a fault injected" not in answer.text  # no internals on the page
