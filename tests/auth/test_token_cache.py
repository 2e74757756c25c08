"""The principal cache in one process (issue 15, lever 1): a token's second request skips the
lookup, and every write that changes what a token may do takes effect on the very next request
although the token's principal was cached. Each test first makes the token's principal cached
(a request, then a second one answered from the cache), then changes it through the public
surface, then asks again. The two-process version (Redis) is test_token_cache_shared.py."""

from __future__ import annotations

import secrets
from datetime import timedelta

import httpx

from refdesk.server.accounts.service import set_account_flags
from refdesk.server.auth.models import AccessToken
from refdesk.server.db.base import utcnow
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site, create_token
from tests.support.oauth import PASSWORD, make_app
from tests.support.queries import counting
from tests.support.tokens import (
    ACCOUNT,
    APPLICATIONS,
    bearer,
    client_auth,
    client_token,
    exchange,
    grant,
    refresh,
    status,
    write_status,
)
from tests.support.web import signed_in_client
from tests.support.web_account import submit_and_follow, token_of


async def cached(client: httpx.AsyncClient, runtime: Runtime, token: str) -> None:
    """Two reads that work, the second answered from the cache."""
    assert await status(client, token) == 200
    hits = runtime.tokens.cache.hits
    assert await status(client, token) == 200
    assert runtime.tokens.cache.hits == hits + 1


async def test_the_second_request_skips_the_lookup(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    account = await create_account(runtime)
    token = await create_token(runtime, account)
    with counting(runtime) as first:
        one = await client.get(ACCOUNT, headers=bearer(token))
    with counting(runtime) as second:
        two = await client.get(ACCOUNT, headers=bearer(token))
    assert one.status_code == two.status_code == 200
    assert one.json() == two.json()
    assert len(second) == len(first) - 1
    assert not any("access_tokens" in s for s in second)
    assert any("access_tokens" in s for s in first)


async def test_unknown_tokens_are_not_cached(client: httpx.AsyncClient, runtime: Runtime) -> None:
    """Every unknown token costs its lookup; a token issued after it was refused works."""
    account = await create_account(runtime)
    app = await make_app(runtime, account)
    token = secrets.token_hex(32)
    for _ in range(2):
        with counting(runtime) as statements:
            assert await status(client, token) == 401
        assert any("access_tokens" in s for s in statements)
    assert len(runtime.tokens.cache) == 0
    async with runtime.db.transaction() as session:
        session.add(
            AccessToken(
                token_hash=runtime.hasher.hash(token),
                application_id=app.application.id,
                account_id=account.id,
                scopes="read write",
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    assert await status(client, token) == 200


async def test_oauth_revoke_of_an_access_token(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await create_account(runtime)
    app = await make_app(runtime, owner)
    token, other = await client_token(client, app), await client_token(client, app)
    await cached(client, runtime, token)
    await cached(client, runtime, other)
    answer = await client.post("/oauth/revoke", data={"token": token}, headers=client_auth(app))
    assert answer.status_code == 200
    assert await status(client, token) == 401
    assert await status(client, other) == 200


async def test_oauth_revoke_of_a_refresh_token(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    app = await make_app(runtime, owner)
    body = await grant(client, app, person.login)
    await cached(client, runtime, body["access_token"])
    answer = await client.post(
        "/oauth/revoke", data={"token": body["refresh_token"]}, headers=client_auth(app)
    )
    assert answer.status_code == 200
    assert await status(client, body["access_token"]) == 401


async def test_reuse_of_a_rotated_refresh_token(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    app = await make_app(runtime, owner)
    body = await grant(client, app, person.login)
    rotated = await refresh(client, app, body["refresh_token"])
    assert rotated.status_code == 200
    newest = rotated.json()["access_token"]
    await cached(client, runtime, newest)
    assert (await refresh(client, app, body["refresh_token"])).status_code == 400
    assert await status(client, newest) == 401


async def test_reuse_of_an_authorization_code(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    app = await make_app(runtime, owner)
    body = await grant(client, app, person.login)
    await cached(client, runtime, body["access_token"])
    assert (await exchange(client, app, body["code"])).status_code == 400
    assert await status(client, body["access_token"]) == 401


async def test_deleting_the_application(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await create_account(runtime)
    manage = await create_token(runtime, owner)
    app = await make_app(runtime, owner)
    token = await client_token(client, app)
    await cached(client, runtime, token)
    path = f"{APPLICATIONS}/{app.application.id}"
    assert (await client.delete(path, headers=bearer(manage))).status_code == 204
    assert await status(client, token) == 401
    assert await status(client, manage) == 200


async def test_rotating_the_application_secret(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await create_account(runtime)
    manage = await create_token(runtime, owner)
    app = await make_app(runtime, owner)
    token = await client_token(client, app)
    await cached(client, runtime, token)
    path = f"{APPLICATIONS}/{app.application.id}/rotate_secret"
    assert (await client.post(path, headers=bearer(manage))).status_code == 200
    assert await status(client, token) == 401


async def test_cutting_the_application_scopes(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await create_account(runtime)
    manage = await create_token(runtime, owner)
    app = await make_app(runtime, owner, scopes="read write")
    token = await client_token(client, app)
    assert await write_status(client, token) == 200
    await cached(client, runtime, token)
    path = f"{APPLICATIONS}/{app.application.id}"
    cut = await client.put(path, json={"application": {"scopes": "read"}}, headers=bearer(manage))
    assert cut.status_code == 200, cut.text
    assert await write_status(client, token) == 403
    assert await status(client, token) == 200


async def test_revoking_a_connected_application_on_the_account_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    app = await make_app(runtime, owner)
    token = await token_of(runtime, app.application.id, person)
    await cached(client, runtime, token)
    await signed_in_client(client, person.login)
    await submit_and_follow(client, f"/account/applications/{app.application.id}/revoke", {})
    assert await status(client, token) == 401


async def test_deactivating_the_account(client: httpx.AsyncClient, runtime: Runtime) -> None:
    account = await create_account(runtime)
    token = await create_token(runtime, account)
    await cached(client, runtime, token)
    async with runtime.db.transaction() as session:
        assert await set_account_flags(session, account.id, active=False)
    assert await status(client, token) == 401


async def test_deactivating_the_application_owner(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime)
    token = await create_token(runtime, person, owner=owner)
    await cached(client, runtime, token)
    async with runtime.db.transaction() as session:
        await set_account_flags(session, owner.id, active=False)
    assert await status(client, token) == 401


async def test_clearing_the_operator_flag(client: httpx.AsyncClient, runtime: Runtime) -> None:
    account = await create_account(runtime, operator=True)
    token = await create_token(runtime, account)
    site = await create_site(runtime)
    path = f"/api/v2/sites/{site.id}"
    assert (await client.get(path, headers=bearer(token))).status_code == 200
    await cached(client, runtime, token)
    async with runtime.db.transaction() as session:
        await set_account_flags(session, account.id, operator=False)
    assert (await client.get(path, headers=bearer(token))).status_code in (403, 404)


async def test_deactivating_a_member_takes_effect_at_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Membership is not part of the cached principal: it is read on every request."""
    site = await create_site(runtime)
    admin = await create_member(runtime, site, assignor=True)
    member = await create_member(runtime, site, official=True)
    path = f"/api/v2/sites/{site.id}"
    assert (await client.get(path, headers=member.headers)).status_code == 200
    await cached(client, runtime, member.token)
    answer = await client.post(
        f"/api/v2/users/{member.user.id}/deactivate", json={}, headers=admin.headers
    )
    assert answer.status_code == 200, answer.text
    assert (await client.get(path, headers=member.headers)).status_code in (403, 404)


async def test_a_password_change_leaves_api_tokens_as_the_database_has_them(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Contract §6.2: a password change ends browser sessions, not API tokens. The cached
    answer after it is the database's answer."""
    account = await create_account(runtime, password=PASSWORD)
    token = await create_token(runtime, account)
    await cached(client, runtime, token)
    change = {"account": {"password": "another password 1", "current_password": PASSWORD}}
    assert (await client.put(ACCOUNT, json=change, headers=bearer(token))).status_code == 200
    assert await status(client, token) == 200
    runtime.tokens.cache.clear()
    assert await status(client, token) == 200
