"""Fixtures of the OAuth tests (their helpers live in tests/support/oauth.py)."""

from __future__ import annotations

import pytest

from refdesk.server.runtime import Runtime
from tests.factories import create_account
from tests.support.oauth import PASSWORD, Owner


@pytest.fixture
async def people(runtime: Runtime) -> Owner:
    owner = await create_account(runtime, password=PASSWORD)
    person = await create_account(runtime, password=PASSWORD)
    return Owner(owner, person)
