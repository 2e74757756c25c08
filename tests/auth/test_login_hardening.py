"""Issue 9 item 7: the login page costs the same for every login (no account enumeration by
timing) and each login name is throttled with a back-off, shared across processes.

Timing is never measured: argon2 verifications are counted with a counting hasher (the real
argon2, one counter), and the throttle is observed through its answers."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from refdesk.server.app import create_app
from refdesk.server.config import Settings
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_token
from tests.support.app import client_for, make_settings
from tests.support.oauth import PASSWORD, Owner, refused_as_incorrect, sign_in
from tests.support.oauth import login_form as login_form_of

THROTTLE = "3/3600"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, login_throttle_rules=THROTTLE)


class CountingHasher(PasswordHasher):
    """argon2 itself, counting its verifications."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.verifications = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verifications += 1
        return super().verify(hash, password)


def count_argon2(runtime: Runtime) -> CountingHasher:
    counting = CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    runtime.passwords._hasher = counting
    return counting


# -- dummy verification ---------------------------------------------------------------------


async def test_hole_7_unknown_login_runs_argon2_like_a_known_one(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    form = await login_form_of(client, runtime, people.owner)
    argon2 = count_argon2(runtime)
    known = await sign_in(client, form, people.person.login, "wrong password")
    assert refused_as_incorrect(known)
    assert argon2.verifications == 1
    unknown = await sign_in(client, form, "nobody@example.org", "wrong password")
    assert refused_as_incorrect(unknown)
    assert argon2.verifications == 2


async def test_hole_7_account_without_password_runs_argon2_and_cannot_log_in(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    invited = await create_account(runtime)  # no password: never set by its owner
    form = await login_form_of(client, runtime, people.owner)
    argon2 = count_argon2(runtime)
    for guess in ("", "wrong password"):
        response = await sign_in(client, form, invited.login, guess)
        assert 'name="password"' in response.text and "refdesk_session" not in (
            response.headers.get("set-cookie", "")
        )
    # The blank password never reaches argon2 (nothing to check); the guess does, once.
    assert argon2.verifications == 1


async def test_hole_7_deactivated_account_runs_argon2(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    sleeper = await create_account(runtime, password=PASSWORD, active=False)
    form = await login_form_of(client, runtime, people.owner)
    argon2 = count_argon2(runtime)
    assert refused_as_incorrect(await sign_in(client, form, sleeper.login, PASSWORD))
    assert argon2.verifications == 1


# -- per-login throttle ---------------------------------------------------------------------


async def test_hole_7_login_is_throttled_after_failures_without_running_argon2(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    form = await login_form_of(client, runtime, people.owner)
    argon2 = count_argon2(runtime)
    login = people.person.login
    for _ in range(3):
        assert refused_as_incorrect(await sign_in(client, form, login, "wrong password"))
    assert argon2.verifications == 3
    for password in ("wrong password", PASSWORD):  # even the right password waits
        refused = await sign_in(client, form, login.upper(), password)
        assert refused.status_code == 429, refused.text
        body = refused.json()
        assert body["error"] == "rate_limited"
        assert "sign-in attempts" in body["message"]
        assert 0 < int(refused.headers["Retry-After"]) <= 3600
        assert body["retry_after"] == int(refused.headers["Retry-After"])
    assert argon2.verifications == 3
    # Another login is not affected.
    other = await create_account(runtime, password=PASSWORD)
    assert 'value="approve"' in (await sign_in(client, form, other.login, PASSWORD)).text


async def test_hole_7_unknown_logins_are_throttled_like_known_ones(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    form = await login_form_of(client, runtime, people.owner)
    statuses = {}
    for login in (people.person.login, "ghost@example.org"):
        statuses[login] = [
            (await sign_in(client, form, login, "wrong password")).status_code for _ in range(4)
        ]
    assert statuses == {
        people.person.login: [200, 200, 200, 429],
        "ghost@example.org": [200, 200, 200, 429],
    }


@pytest.mark.redis
async def test_hole_7_throttle_is_shared_across_processes_through_redis(
    tmp_path: Path, database_url: str, redis_url: str, runtime: Runtime, people: Owner
) -> None:
    """Two app instances (two processes' worth of state) sharing Redis count together."""
    login = f"{uuid.uuid4().hex}@example.org"  # fresh counters on every run
    instances = []
    for n in range(2):
        shared = make_settings(
            tmp_path / str(n),
            database_url,
            login_throttle_rules=THROTTLE,
            rate_limit_store_url=redis_url,
        )
        instances.append(Runtime.build(shared))
    try:
        statuses = []
        for attempt in range(4):
            rt = instances[attempt % 2]
            async with client_for(create_app(runtime=rt)) as client:
                form = await login_form_of(client, rt, people.owner)
                response = await sign_in(client, form, login, "wrong password")
                statuses.append(response.status_code)
        assert statuses == [200, 200, 200, 429]
    finally:
        for rt in instances:
            limiter = rt.extras.get("rate_limiter")
            if limiter is not None:
                await limiter.close()
            await rt.db.dispose()


# -- the other password path: current_password on PUT /current_account ----------------------


async def test_hole_7_current_password_guesses_share_the_login_throttle(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """A bearer token is no password oracle: current_password guesses count like sign-ins."""
    account = await create_account(runtime, password=PASSWORD)
    headers = {"Authorization": f"Bearer {await create_token(runtime, account)}"}
    argon2 = count_argon2(runtime)
    change = {"email": "moved@example.org", "current_password": "a guess"}
    for _ in range(3):
        wrong = await client.patch("/api/v2/current_account", json=change, headers=headers)
        assert wrong.status_code == 422
        assert wrong.json()["errors"] == {"current_password": ["is invalid"]}
    throttled = await client.patch(
        "/api/v2/current_account", json={**change, "current_password": PASSWORD}, headers=headers
    )
    assert throttled.status_code == 429, throttled.text
    assert throttled.json()["error"] == "rate_limited"
    assert argon2.verifications == 3
    me = await client.get("/api/v2/current_account", headers=headers)
    assert me.json()["email"] == account.email


async def test_hole_1_account_without_password_cannot_set_one_with_a_token(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """An invited account (no password) sets it from the invitation link only: a token of it
    (e.g. an application of its owner's) cannot pass current_password."""
    invited = await create_account(runtime)
    headers = {"Authorization": f"Bearer {await create_token(runtime, invited)}"}
    for current in ("", "anything at all", None):
        body = {"password": "a new password", "current_password": current}
        refused = await client.patch("/api/v2/current_account", json=body, headers=headers)
        assert refused.status_code == 422
        assert refused.json()["errors"] == {"current_password": ["is invalid"]}
