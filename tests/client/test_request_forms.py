"""The requests of the typed helpers the ``refdesk`` CLI is built on (sites, games, assignments
and candidates, availability, statements, the current account), as they go over the wire.

The CLI writes no API path itself (``tests/cli/test_cli_uses_sdk.py``); these helpers carry
every one of its requests, so their method, path, query and body are pinned here, for the
``Client`` and the ``AsyncClient`` alike, without a server (a mock transport answers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest

from refdesk.client import NO_RETRIES, AsyncClient, Client

API = "https://refdesk.test/api/v2"
Sent = tuple[str, str, list[tuple[str, str]], Any, bool]


@dataclass
class Mock:
    """Answers the token request, then ``{}`` (or a one-item page for GET lists) to anything;
    records each API request."""

    sent: list[Sent] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(
                200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600}
            )
        path = request.url.path.removeprefix("/api/v2/")
        body = json.loads(request.content) if request.content else None
        self.sent.append(
            (
                request.method,
                path,
                sorted(request.url.params.multi_items()),
                body,
                "Idempotency-Key" in request.headers,
            )
        )
        if request.method == "DELETE":
            return httpx.Response(204)
        page = {"current_page": 1, "pages": 1, "records": 1, "next_page": None}
        item = {"id": 1}
        return httpx.Response(
            200,
            json={"id": 1, "page": page, "_embedded": {path.rsplit("/", 1)[-1]: [item]}},
        )


Helper = Callable[[Any], Any]

DAY = date(2026, 3, 1)
RANGE = [("search[end_date]", "2026-03-31"), ("search[start_date]", "2026-03-01")]

# (call on the client's helpers, the request it sends). A call returning an iterator is
# consumed; its one page says it is the last.
CASES: list[tuple[str, Helper, Sent]] = [
    (
        "current_account",
        lambda c: c.current_account.get(),
        ("GET", "current_account", [], None, False),
    ),
    (
        "calendar",
        lambda c: c.calendar.get(),
        ("GET", "current_account/calendar", [], None, False),
    ),
    (
        "calendar rotate",
        lambda c: c.calendar.rotate(),
        ("POST", "current_account/calendar/rotate", [], None, False),
    ),
    ("sites", lambda c: c.sites.iter(), ("GET", "sites", [], None, False)),
    (
        "games in range",
        lambda c: c.games.iter(5, limit=50, start_date=DAY, end_date="2026-03-31", league_id=3),
        (
            "GET",
            "sites/5/games",
            [("limit", "50"), RANGE[0], ("search[league_id]", "3"), RANGE[1]],
            None,
            False,
        ),
    ),
    (
        "games by game id",
        lambda c: c.games.iter(5, user_defined_id="G-2"),
        ("GET", "sites/5/games", [("search[user_defined_id]", "G-2")], None, False),
    ),
    ("game", lambda c: c.games.get(9), ("GET", "games/9", [], None, False)),
    (
        "game create",
        lambda c: c.games.create(5, {"home_team_name": "Hawks"}, idempotency_key="k-1"),
        ("POST", "sites/5/games", [], {"game": {"home_team_name": "Hawks"}}, True),
    ),
    (
        "assign accepted",
        lambda c: c.assignments.assign(11, 22, accepted=True),
        ("POST", "assignments/11/assign", [], {"user_id": 22, "accepted": True}, False),
    ),
    (
        "assign",
        lambda c: c.assignments.assign(11, 22),
        ("POST", "assignments/11/assign", [], {"user_id": 22}, False),
    ),
    (
        "unassign",
        lambda c: c.assignments.unassign(11),
        ("POST", "assignments/11/unassign", [], {}, False),
    ),
    (
        "accept",
        lambda c: c.assignments.accept(11),
        ("POST", "assignments/11/accept", [], {}, False),
    ),
    (
        "decline",
        lambda c: c.assignments.decline(11, reason="ill"),
        ("POST", "assignments/11/decline", [], {"reason": "ill"}, False),
    ),
    (
        "candidates",
        lambda c: c.assignments.iter_candidates(11, query="stone", ok=True),
        (
            "GET",
            "assignments/11/candidates",
            [("search[ok]", "true"), ("search[query]", "stone")],
            None,
            False,
        ),
    ),
    ("statements mine", lambda c: c.statements.iter_mine(), ("GET", "statements", [], None, False)),
    (
        "statements of a site",
        lambda c: c.statements.iter(5),
        ("GET", "sites/5/statements", [], None, False),
    ),
    (
        "availability",
        lambda c: c.availability.iter(7, start_date=DAY, end_date=date(2026, 3, 31)),
        ("GET", "users/7/availability", RANGE, None, False),
    ),
    (
        "availability create",
        lambda c: c.availability.create(7, {"date": "2026-02-01"}),
        ("POST", "users/7/availability", [], {"availability": {"date": "2026-02-01"}}, False),
    ),
    (
        "availability delete",
        lambda c: c.availability.delete(7, 3),
        ("DELETE", "users/7/availability/3", [], None, False),
    ),
]
IDS = [name for name, _, _ in CASES]


OPTIONS: dict[str, Any] = {
    "client_id": "id",
    "client_secret": "secret",
    "retry": NO_RETRIES,
    "environ": {},
}


@pytest.mark.parametrize(("name", "helper", "expected"), CASES, ids=IDS)
def test_sync_helper_request(name: str, helper: Helper, expected: Sent) -> None:
    mock = Mock()
    with Client(API, transport=httpx.MockTransport(mock.handler), **OPTIONS) as c:
        result = helper(c)
        if hasattr(result, "__next__"):
            assert len(list(result)) == 1
    assert mock.sent == [expected]


@pytest.mark.parametrize(("name", "helper", "expected"), CASES, ids=IDS)
async def test_async_helper_request(name: str, helper: Helper, expected: Sent) -> None:
    mock = Mock()
    transport = httpx.MockTransport(mock.handler)
    async with AsyncClient(API, transport=transport, **OPTIONS) as c:
        result = helper(c)
        if hasattr(result, "__anext__"):
            assert len([item async for item in result]) == 1
        else:
            await result
    assert mock.sent == [expected]
