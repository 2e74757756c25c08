"""Fixtures for the scale-out and fault tests: a factory of real server processes that share
the session's database (SQLite file or PostgreSQL) and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from refdesk.server.config import Settings
from tests.support.scaleout import ServerProcess, Spawn, server_env

pytestmark = pytest.mark.slow


@pytest.fixture
async def spawn(
    tmp_path: Path, database_url: str, redis_url: str, settings: Settings
) -> AsyncIterator[Spawn]:
    """``await spawn(REFDESK_X="...")`` starts one more server process; all are stopped after."""
    started: list[ServerProcess] = []

    async def start(database: str | None = None, **extra: str) -> ServerProcess:
        n = len(started) + 1
        data_dir = tmp_path / f"server{n}"
        data_dir.mkdir(exist_ok=True)
        # The same pepper as the test's own runtime, so tokens and secrets it stores verify.
        secret = settings.effective_secret_key()
        env = server_env(database or database_url, data_dir, redis_url, secret, **extra)
        server = ServerProcess(env, tmp_path / f"server{n}.log")
        started.append(server)
        await server.start()
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()
