"""SDK test fixtures; the harness (wires, drivers, ``SDK``) lives in tests/support/sdk.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from refdesk.server.runtime import Runtime
from tests.support.sdk import SDK


@pytest.fixture(params=["async", "sync"])
async def sdk(
    request: pytest.FixtureRequest,
    app: Any,
    runtime: Runtime,
    tmp_path: Path,
    database_url: str,
) -> AsyncIterator[SDK]:
    factory = SDK(request.param, app, runtime, tmp_path, database_url, asyncio.get_running_loop())
    try:
        yield factory
    finally:
        for driver in factory.drivers:
            await driver.close()
