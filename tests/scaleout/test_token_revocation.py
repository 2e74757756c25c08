"""Two real server processes sharing one database and Redis (issue 15, lever 1): a token each
process has answered (and may hold in its principal cache) stops working on both on the very
next request after it is revoked through one of them."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.factories import create_account
from tests.support.oauth import basic, make_app
from tests.support.scaleout import Spawn

pytestmark = pytest.mark.slow


async def test_revoked_on_one_process_fails_on_the_other_at_once(
    spawn: Spawn, runtime: Runtime
) -> None:
    first, second = await asyncio.gather(spawn(), spawn())
    owner = await create_account(runtime)
    app = await make_app(runtime, owner)
    auth = basic(app.application.client_id, app.client_secret or "")
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(5):
            issued = await client.post(
                f"{first.base_url}/oauth/token",
                data={"grant_type": "client_credentials"},
                headers=auth,
            )
            assert issued.status_code == 200, issued.text
            token = issued.json()["access_token"]
            bearer = {"Authorization": f"Bearer {token}"}
            for _ in range(3):  # answered, then from the cache
                for server in (first, second):
                    me = await client.get(
                        f"{server.base_url}/api/v2/current_account", headers=bearer
                    )
                    assert me.status_code == 200, me.text
            revoked = await client.post(
                f"{first.base_url}/oauth/revoke", data={"token": token}, headers=auth
            )
            assert revoked.status_code == 200
            for server in (second, first):
                after = await client.get(
                    f"{server.base_url}/api/v2/current_account", headers=bearer
                )
                assert after.status_code == 401, (server.base_url, after.text)
