"""Issue 9 hole 3: an account's login and e-mail stay unique under concurrent changes.
PostgreSQL only (tests/support/races.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from refdesk.server.config import Settings
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_token
from tests.support.app import make_settings
from tests.support.races import postgresql_only

pytestmark = postgresql_only

PASSWORD = "correct horse battery"
ROUNDS = 5


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # Every round re-sends current_password: the per-login sign-in throttle (hole 7) would
    # answer 429 after five a minute, which is not the rule under test here.
    return make_settings(tmp_path, database_url, login_throttle_rules="10000/60")


async def test_hole_3_two_accounts_take_one_email_or_login_at_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    accounts = [await create_account(runtime, password=PASSWORD) for _ in range(6)]
    headers = [{"Authorization": f"Bearer {await create_token(runtime, a)}"} for a in accounts]
    rounds = [("email", f"same{n}@example.org") for n in range(ROUNDS)]
    rounds += [("login", f"same-login-{n}") for n in range(ROUNDS)]
    for field, value in rounds:
        responses = await asyncio.gather(
            *(
                client.put(
                    "/api/v2/current_account",
                    json={field: value, "current_password": PASSWORD},
                    headers=h,
                )
                for h in headers
            )
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] + [422] * (len(accounts) - 1), [r.text for r in responses]
        for loser in (r for r in responses if r.status_code == 422):
            assert loser.json()["errors"] == {field: ["has already been taken"]}
