"""Password reset in tests: ask for a reset through the HTML form, find the link in a mail."""

from __future__ import annotations

import re

import httpx

from tests.support.oauth import csrf_of

RESET_LINK = re.compile(r"https://testserver/password-reset/new\?token=([0-9a-f]{64})")


async def ask_for_reset(client: httpx.AsyncClient, name: str) -> httpx.Response:
    """GET the request form (its CSRF cookie and token), then POST ``name`` with them."""
    page = await client.get("/password-reset")
    assert page.status_code == 200, page.text
    return await client.post(
        "/password-reset", data={"login": name, "csrf_token": csrf_of(page.text)}
    )


def reset_token(text: str) -> str:
    """The one reset token linked in ``text``."""
    found = set(RESET_LINK.findall(text))
    assert len(found) == 1, text
    return found.pop()
