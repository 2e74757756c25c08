"""Fixtures of the contract tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from refdesk.server.app import create_app
from refdesk.server.db.models import Base
from refdesk.server.runtime import Runtime
from tests.support.app import make_settings
from tests.support.ratelimit import Build


@pytest.fixture
async def build(tmp_path: Path, database_url: str) -> AsyncIterator[Build]:
    """``build(**settings)`` -> (runtime, app) on empty tables; runtimes disposed afterwards."""
    runtimes: list[Runtime] = []

    async def make(**overrides: Any) -> tuple[Runtime, Any]:
        rt = Runtime.build(make_settings(tmp_path, database_url, **overrides))
        runtimes.append(rt)
        if len(runtimes) == 1:
            async with rt.db.transaction() as session:
                for table in reversed(Base.metadata.sorted_tables):
                    await session.execute(table.delete())
        return rt, create_app(runtime=rt)

    yield make
    for rt in runtimes:
        await rt.db.dispose()
