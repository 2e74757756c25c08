"""The daily-work commands talk to the API only through the SDK's typed helpers.

Two checks keep that true:

* a scan of ``src/refdesk/cli``: no command calls the client's raw transport methods
  (``client.get("games/7")``, ``client.paginate(f"sites/{site}/games")``...) and no module
  spells an API path; every path is written once, in ``refdesk.client._resources``;
* the requests each command sends (method, path, query, body), recorded on a mock transport,
  so moving a command onto a helper cannot change what goes over the wire.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from refdesk.cli import session
from refdesk.cli.main import app
from refdesk.client import NO_RETRIES

CLI = Path(__file__).resolve().parents[2] / "src" / "refdesk" / "cli"

# The client's untyped transport methods: a command that calls one builds the path itself.
RAW_METHODS = {"request", "get", "post", "put", "patch", "delete", "page", "paginate", "follow"}
# The collections of the API: a string that starts with one of them followed by "/" (or is
# exactly one of the top-level ones) is a hand-built path.
API_ROOTS = (
    "sites",
    "games",
    "assignments",
    "users",
    "statements",
    "current_account",
    "availability",
    "game_requests",
    "applications",
    "webhooks",
    "webhook_subscriptions",
    "messages",
)
PATH_LIKE = re.compile(rf"^/?(?:api/v2/)?(?:{'|'.join(API_ROOTS)})(?:/|$)")


def cli_modules() -> list[Path]:
    return sorted(CLI.rglob("*.py"))


def _client_names(tree: ast.AST) -> set[str]:
    """Names bound to an SDK client: ``with open_client(...) as x`` / ``client_for(...)``, and
    parameters annotated ``Client``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            call = node.context_expr
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id in {"open_client", "client_for", "Client"}
            ):
                names.add(node.optional_vars.id)
        elif (
            isinstance(node, ast.arg)
            and node.annotation is not None
            and ast.unparse(node.annotation) in {"Client", "refdesk.client.Client"}
        ):
            names.add(node.arg)
    return names


def _string_prefix(node: ast.expr) -> str | None:
    """The literal text of a string or the leading literal part of an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    return None


def hand_built_paths(path: Path) -> list[str]:
    """``line: code`` for every raw client call and every API-path string of a module."""
    tree = ast.parse(path.read_text(), str(path))
    clients = _client_names(tree) | {"client"}
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if (
                node.func.attr in RAW_METHODS
                and isinstance(receiver, ast.Name)
                and receiver.id in clients
            ):
                found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Constant | ast.JoinedStr):
            text = _string_prefix(node)
            if text is not None and PATH_LIKE.match(text) and "/" in text:
                found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_scan_reads_the_commands() -> None:
    """The scan cannot pass by reading nothing: it finds the command modules and a client."""
    names = {p.relative_to(CLI).as_posix() for p in cli_modules()}
    assert "main.py" in names
    assert any(_client_names(ast.parse(p.read_text())) for p in cli_modules())


def test_the_scan_finds_hand_built_paths(tmp_path: Path) -> None:
    code = (
        "def f(site: int, client: Client) -> None:\n"
        "    with open_client(None) as api:\n"
        "        api.paginate(f'sites/{site}/games', 'games')\n"
        "        api.get('current_account')\n"
        "    client.post(f'assignments/{site}/assign', {})\n"
        "    values.get('start_time')\n"
    )
    probe = tmp_path / "probe.py"
    probe.write_text(code)
    found = hand_built_paths(probe)
    assert len([f for f in found if "paginate" in f or ".get('current" in f or "post" in f]) >= 3
    assert not any("values.get" in f for f in found)


@pytest.mark.parametrize("module", cli_modules(), ids=lambda p: p.relative_to(CLI).as_posix())
def test_no_command_builds_an_api_path(module: Path) -> None:
    assert hand_built_paths(module) == []


def test_cli_imports_no_raw_paginate_or_path_helpers() -> None:
    """The same rule as a plain text search (what a reviewer would grep for)."""
    pattern = re.compile(r"\bclient\.(?:paginate|get|post|put|patch|delete|request|page)\(")
    hits = [
        f"{p.relative_to(CLI)}:{n}"
        for p in cli_modules()
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == []


# -- what goes over the wire --------------------------------------------------------------------

API = "https://refdesk.test/api/v2"


@dataclass
class Recorder:
    """A mock API: answers the token request and canned documents, records every API call."""

    answers: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    sent: list[tuple[str, str, list[tuple[str, str]], Any, bool]] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(
                200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600}
            )
        path = request.url.path.removeprefix("/api/v2/")
        body = json.loads(request.content) if request.content else None
        query = sorted(request.url.params.multi_items())
        idempotent = "Idempotency-Key" in request.headers
        self.sent.append((request.method, path, query, body, idempotent))
        status, document = self.answers.get((request.method, path), (200, {}))
        if status == 204:
            return httpx.Response(204)
        return httpx.Response(status, json=document)


def listing(key: str, *items: dict[str, Any]) -> dict[str, Any]:
    return {
        "page": {"current_page": 1, "pages": 1, "records": len(items), "next_page": None},
        "_embedded": {key: list(items)},
        "_links": {},
    }


GAME = {
    "id": 9,
    "start_time": "2026-03-07T10:00:00-05:00",
    "end_time": "2026-03-07T11:30:00-05:00",
    "home_team": "Hawks",
    "away_team": "Owls",
    "user_defined_id": "G-1",
    "_embedded": {"venue": {"id": 4, "name": "Field 1"}, "assignments": []},
}
SLOT = {"id": 11, "game_id": 9, "position": "R", "official_id": 22, "assigned": True}


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Recorder]:
    rec = Recorder()
    rec.answers.update(
        {
            ("GET", "current_account"): (200, {"id": 1, "login": "pat", "name": "Pat"}),
            ("GET", "sites"): (200, listing("sites", {"id": 5, "name": "Harbor"})),
            ("GET", "sites/5/games"): (200, listing("games", GAME)),
            ("GET", "games/9"): (200, GAME),
            ("POST", "sites/5/games"): (201, {"id": 30}),
            ("GET", "assignments/11/candidates"): (200, listing("candidates")),
            ("GET", "statements"): (200, listing("statements")),
            ("GET", "sites/5/statements"): (200, listing("statements")),
            ("GET", "users/7/availability"): (200, listing("availability")),
            ("POST", "users/7/availability"): (201, {"id": 3, "date": "2026-02-01"}),
            ("DELETE", "users/7/availability/3"): (204, None),
            ("GET", "webhooks/subscriptions"): (200, listing("webhook_subscriptions")),
            ("POST", "webhooks/subscriptions"): (201, {"id": 4, "secret": "ab" * 32}),
            ("PUT", "webhooks/subscriptions/4"): (200, {"id": 4}),
            ("DELETE", "webhooks/subscriptions/4"): (204, None),
            ("POST", "webhooks/subscriptions/4/ping"): (200, {"id": 4}),
            ("POST", "webhooks/subscriptions/4/rotate_secret"): (200, {"id": 4}),
            ("GET", "webhooks/subscriptions/4/deliveries"): (200, listing("deliveries")),
            ("POST", "sites/5/messages"): (201, {"id": 88, "recipient_ids": [12, 13]}),
            ("GET", "sites/5/messages"): (200, listing("messages")),
            ("GET", "messages/88"): (200, {"id": 88, "recipient_ids": [12, 13]}),
            ("GET", "current_account/calendar"): (200, {"url": "https://h/calendar/a.ics"}),
            ("POST", "current_account/calendar/rotate"): (200, {"url": "https://h/calendar/b.ics"}),
        }
    )
    for action in ("assign", "unassign", "accept", "decline"):
        rec.answers[("POST", f"assignments/11/{action}")] = (200, SLOT)
    monkeypatch.setattr(
        session,
        "CLIENT_OPTIONS",
        {"transport": httpx.MockTransport(rec.handler), "retry": NO_RETRIES},
    )
    monkeypatch.setenv("REFDESK_CONFIG", str(tmp_path / "config.toml"))
    for name in ("REFDESK_TOKEN_URL", "REFDESK_SCOPE", "REFDESK_CA_FILE", "REFDESK_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REFDESK_URL", API)
    monkeypatch.setenv("REFDESK_CLIENT_ID", "id")
    monkeypatch.setenv("REFDESK_CLIENT_SECRET", "secret")
    yield rec


def run(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


SEARCH_RANGE = [
    ("search[end_date]", "2026-03-31"),
    ("search[start_date]", "2026-03-01"),
]

CASES: list[tuple[list[str], list[tuple[str, str, list[tuple[str, str]], Any, bool]]]] = [
    (
        ["login", "--url", API, "--client-id", "id", "--client-secret", "secret"],
        [("GET", "current_account", [], None, False)],
    ),
    (["sites", "list"], [("GET", "sites", [], None, False)]),
    (
        ["games", "list", "--site", "5", "--from", "2026-03-01", "--to", "2026-03-31"],
        [("GET", "sites/5/games", [("limit", "50"), *SEARCH_RANGE], None, False)],
    ),
    (
        [
            "games",
            "list",
            "--site",
            "5",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--league",
            "3",
        ],
        [
            (
                "GET",
                "sites/5/games",
                [("limit", "50"), *SEARCH_RANGE[:1], ("search[league_id]", "3"), SEARCH_RANGE[1]],
                None,
                False,
            )
        ],
    ),
    (["games", "show", "9"], [("GET", "games/9", [], None, False)]),
    (
        ["games", "export", "--site", "5"],
        [("GET", "sites/5/games", [("limit", "50")], None, False)],
    ),
    (
        ["assign", "11", "22", "--accepted"],
        [("POST", "assignments/11/assign", [], {"user_id": 22, "accepted": True}, False)],
    ),
    (["assign", "11", "22"], [("POST", "assignments/11/assign", [], {"user_id": 22}, False)]),
    (["unassign", "11"], [("POST", "assignments/11/unassign", [], {}, False)]),
    (["accept", "11"], [("POST", "assignments/11/accept", [], {}, False)]),
    (["decline", "11"], [("POST", "assignments/11/decline", [], {}, False)]),
    (
        ["decline", "11", "--reason", "ill"],
        [("POST", "assignments/11/decline", [], {"reason": "ill"}, False)],
    ),
    (
        ["candidates", "11", "--query", "stone", "--ok"],
        [
            (
                "GET",
                "assignments/11/candidates",
                [("search[ok]", "true"), ("search[query]", "stone")],
                None,
                False,
            )
        ],
    ),
    (["candidates", "11"], [("GET", "assignments/11/candidates", [], None, False)]),
    (["statements"], [("GET", "statements", [], None, False)]),
    (["statements", "--site", "5"], [("GET", "sites/5/statements", [], None, False)]),
    (
        ["availability", "list", "7", "--from", "2026-03-01", "--to", "2026-03-31"],
        [("GET", "users/7/availability", SEARCH_RANGE, None, False)],
    ),
    (["availability", "list", "7"], [("GET", "users/7/availability", [], None, False)]),
    (
        [
            "availability",
            "set",
            "7",
            "2026-02-01",
            "--start",
            "08:00",
            "--end",
            "10:00",
            "--description",
            "mornings",
        ],
        [
            (
                "POST",
                "users/7/availability",
                [],
                {
                    "availability": {
                        "date": "2026-02-01",
                        "start_time": "08:00",
                        "end_time": "10:00",
                        "description": "mornings",
                    }
                },
                False,
            )
        ],
    ),
    (
        ["availability", "set", "7", "2026-02-01"],
        [("POST", "users/7/availability", [], {"availability": {"date": "2026-02-01"}}, False)],
    ),
    (
        ["availability", "clear", "7", "3"],
        [("DELETE", "users/7/availability/3", [], None, False)],
    ),
    (["webhooks", "list"], [("GET", "webhooks/subscriptions", [], None, False)]),
    (
        ["webhooks", "list", "--site", "5"],
        [("GET", "webhooks/subscriptions", [("search[site_id]", "5")], None, False)],
    ),
    (
        [
            "webhooks",
            "create",
            "--url",
            "https://h.example.org/x",
            "--events",
            "ping, game.created",
        ],
        [
            (
                "POST",
                "webhooks/subscriptions",
                [],
                {
                    "webhook_subscription": {
                        "target_url": "https://h.example.org/x",
                        "event_types": ["ping", "game.created"],
                    }
                },
                True,
            )
        ],
    ),
    (
        [
            "webhooks",
            "create",
            "--url",
            "https://h.example.org/x",
            "--events",
            "*",
            "--site",
            "5",
            "--description",
            "Payroll",
            "--inactive",
        ],
        [
            (
                "POST",
                "webhooks/subscriptions",
                [],
                {
                    "webhook_subscription": {
                        "target_url": "https://h.example.org/x",
                        "event_types": ["*"],
                        "description": "Payroll",
                        "active": False,
                        "site_id": 5,
                    }
                },
                True,
            )
        ],
    ),
    (
        ["webhooks", "update", "4", "--active", "--events", "ping"],
        [
            (
                "PUT",
                "webhooks/subscriptions/4",
                [],
                {"webhook_subscription": {"event_types": ["ping"], "active": True}},
                False,
            )
        ],
    ),
    (["webhooks", "delete", "4"], [("DELETE", "webhooks/subscriptions/4", [], None, False)]),
    (["webhooks", "ping", "4"], [("POST", "webhooks/subscriptions/4/ping", [], None, False)]),
    (
        ["webhooks", "rotate-secret", "4"],
        [("POST", "webhooks/subscriptions/4/rotate_secret", [], None, False)],
    ),
    (
        ["webhooks", "deliveries", "4"],
        [("GET", "webhooks/subscriptions/4/deliveries", [], None, False)],
    ),
    (
        ["messages", "send", "--site", "5", "--to", "12,13", "--subject", "Hi", "--body", "Text"],
        [
            (
                "POST",
                "sites/5/messages",
                [],
                {"message": {"recipient_ids": [12, 13], "subject": "Hi", "body": "Text"}},
                True,
            )
        ],
    ),
    (["messages", "list", "--site", "5"], [("GET", "sites/5/messages", [], None, False)]),
    (["messages", "show", "88"], [("GET", "messages/88", [], None, False)]),
    (["calendar", "show"], [("GET", "current_account/calendar", [], None, False)]),
    (["calendar", "rotate"], [("POST", "current_account/calendar/rotate", [], None, False)]),
]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(a[:6]) for a, _ in CASES])
def test_requests_of_each_command(
    recorder: Recorder,
    args: list[str],
    expected: list[tuple[str, str, list[tuple[str, str]], Any, bool]],
) -> None:
    run(*args)
    assert recorder.sent == expected


def test_requests_of_games_import(recorder: Recorder, tmp_path: Path) -> None:
    """Existing games of the rows' dates are read first; a new row is created with an
    idempotency key; a row whose game id is taken is looked up by that id."""
    recorder.answers[("POST", "sites/5/games")] = (
        422,
        {"error": "validation", "message": "invalid", "errors": {"user_defined_id": ["taken"]}},
    )
    file = tmp_path / "games.csv"
    file.write_text(
        "user_defined_id,date,time,venue,home_team,away_team,age_group,pattern\n"
        "G-2,2026-03-07,12:00,Field 2,Hawks,Owls,U12,Two Person\n"
    )
    run("games", "import", str(file), "--site", "5")
    game = {
        "user_defined_id": "G-2",
        "localized_date": "2026-03-07",
        "localized_time": "12:00",
        "venue_name": "Field 2",
        "home_team_name": "Hawks",
        "away_team_name": "Owls",
        "age_group_name": "U12",
        "pattern_name": "Two Person",
    }
    day = [("search[end_date]", "2026-03-07"), ("search[start_date]", "2026-03-07")]
    assert recorder.sent == [
        ("GET", "sites/5/games", [("limit", "50"), *day], None, False),
        ("POST", "sites/5/games", [], {"game": game}, True),
        ("GET", "sites/5/games", [("search[user_defined_id]", "G-2")], None, False),
    ]
