"""Every auto-assign test ends with its background solves ended (before the runtime goes)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from refdesk.server.autoassign.jobs import jobs_of
from refdesk.server.runtime import Runtime


@pytest.fixture(autouse=True)
async def _solves_end(runtime: Runtime) -> AsyncIterator[None]:
    yield
    await jobs_of(runtime).drain()
