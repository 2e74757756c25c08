"""CLI fixtures: the Typer app run in a worker thread (the commands call ``asyncio.run``),
with ``REFDESK_*`` pointing at the test database and a temporary data directory."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from refdesk.cli.main import app
from refdesk.server.runtime import Runtime
from tests.support.cli import Invoke


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        "REFDESK_DATABASE_URL": database_url,
        "REFDESK_DATA_DIR": str(tmp_path),
        "REFDESK_SECRET_KEY": "test-pepper-not-secret",
        "REFDESK_PASSWORD_TIME_COST": "1",
        "REFDESK_PASSWORD_MEMORY_COST": "1024",
        "REFDESK_FLAG_REFRESH_SECONDS": "0",
    }


@pytest.fixture
def invoke(runtime: Runtime, cli_env: dict[str, str]) -> Invoke:
    """``await invoke("db", "upgrade")``; depends on ``runtime`` so tables start empty."""

    async def run(*args: str, env: dict[str, str] | None = None) -> Result:
        merged = {**cli_env, **(env or {})}

        def call() -> Result:
            return CliRunner().invoke(app, list(args), env=merged)

        return await asyncio.to_thread(call)

    return run
