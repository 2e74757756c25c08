"""Harness for the daily-work commands: the CLI's SDK client talks to the real app in-process.

The CLI runs in a worker thread (CliRunner); its ``Client`` gets the SDK tests' ``SyncWire`` as
transport (through the CLI's ``CLIENT_OPTIONS`` seam), which hands each request to the test's
event loop, where the database connections live. Credentials are real: an OAuth application of
the site's assignor, used through the client-credentials grant as a user of the CLI would.

Test modules import ``desk_fixture`` (the fixture is named ``desk``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from refdesk.cli import session
from refdesk.cli.main import app as cli_app
from refdesk.client import NO_RETRIES
from refdesk.server.runtime import Runtime
from tests.factories import Member, create_site, create_user
from tests.support.games import load_site as _site
from tests.support.games import setup_site
from tests.support.sdk import OAuthApp, SyncWire, Wire, make_oauth_app

API_URL = "https://testserver/api/v2"
CLEARED = (
    "REFDESK_URL",
    "REFDESK_TOKEN_URL",
    "REFDESK_CLIENT_ID",
    "REFDESK_CLIENT_SECRET",
    "REFDESK_SCOPE",
    "REFDESK_CA_FILE",
    "REFDESK_PROFILE",
    "XDG_CONFIG_HOME",
)


class FaultyWire(Wire):
    """The SDK tests' wire, plus canned error answers for the next API request (the token
    request is left alone, so a fault reaches the command itself)."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.faults: list[tuple[int, dict[str, Any], dict[str, str]]] = []

    def fail_next(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self.faults.append((status, body, headers or {}))

    async def dispatch(self, request: httpx.Request) -> httpx.Response:
        if self.faults and request.url.path.startswith("/api/v2/"):
            status, body, headers = self.faults.pop(0)
            return httpx.Response(status, json=body, headers=headers, request=request)
        return await super().dispatch(request)


@dataclass
class Desk:
    """One site with an assignor who has an OAuth application, and a way to run the CLI."""

    runtime: Runtime
    http: httpx.AsyncClient
    wire: FaultyWire
    config: Path
    site_id: int
    site: Any
    assignor: Member
    credentials: OAuthApp
    env: dict[str, str | None] = field(default_factory=dict)

    def env_for(self, creds: OAuthApp) -> dict[str, str | None]:
        return {
            **self.env,
            "REFDESK_CLIENT_ID": creds.client_id,
            "REFDESK_CLIENT_SECRET": creds.client_secret,
        }

    async def credentials_for(self, member: Member) -> OAuthApp:
        return await make_oauth_app(self.runtime, member.account.id)

    async def run(
        self, *args: str, env: Mapping[str, str | None] | None = None, input: str | None = None
    ) -> Result:
        merged = {**self.env, **(env or {})}

        def call() -> Result:
            return CliRunner().invoke(cli_app, list(args), env=merged, input=input)

        return await asyncio.to_thread(call)

    @property
    def a(self) -> dict[str, str]:
        """The assignor's headers for direct API set-up calls."""
        return self.assignor.headers


@pytest.fixture(name="desk")
async def desk_fixture(
    runtime: Runtime,
    app: Any,
    client: httpx.AsyncClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Desk]:
    wire = FaultyWire(app)
    monkeypatch.setattr(
        session,
        "CLIENT_OPTIONS",
        {"transport": SyncWire(wire, asyncio.get_running_loop()), "retry": NO_RETRIES},
    )
    site_id, assignor = await setup_site(client, runtime, name="Harbor Referees")
    credentials = await make_oauth_app(runtime, assignor.account.id)
    config = tmp_path / "home" / "refdesk" / "config.toml"
    env: dict[str, str | None] = dict.fromkeys(CLEARED)
    env.update(
        REFDESK_CONFIG=str(config),
        REFDESK_URL=API_URL,
        REFDESK_CLIENT_ID=credentials.client_id,
        REFDESK_CLIENT_SECRET=credentials.client_secret,
        COLUMNS="200",
    )
    yield Desk(
        runtime=runtime,
        http=client,
        wire=wire,
        config=config,
        site_id=site_id,
        site=await _site(runtime, site_id),
        assignor=assignor,
        credentials=credentials,
        env=env,
    )


async def second_site(desk: Desk) -> Any:
    """Another site of the same assignor, with the "3 officials" pattern exports name."""
    other = await create_site(desk.runtime, name="Valley League")
    await create_user(desk.runtime, other, desk.assignor.account, assignor=True, official=False)
    pattern = await desk.http.post(
        f"/api/v2/sites/{other.id}/patterns",
        json={"name": "3 officials", "positions": ["Referee", "AR", "AR"]},
        headers=desk.a,
    )
    assert pattern.status_code == 201, pattern.text
    return other
