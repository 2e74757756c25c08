"""Issue 9 item 6: a later cut of an application's scopes binds its existing tokens, and reuse
of a rotated refresh token revokes the whole token family (RFC 9700 §4.14.2)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from refdesk.server.auth.service import NewApplication
from refdesk.server.runtime import Runtime
from tests.factories import create_token
from tests.support.oauth import (
    REDIRECT,
    Owner,
    assert_error,
    assert_token,
    authorization_code,
    basic,
    make_app,
)

APPLICATIONS = "/api/v2/current_account/applications"


def bearer(token: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def grant(
    client: httpx.AsyncClient, app: NewApplication, login: str, scope: str = "read write"
) -> dict[str, Any]:
    """The token response of one authorization-code grant (one new token family)."""
    params = {
        "response_type": "code",
        "client_id": app.application.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
    }
    code = await authorization_code(client, params, login)
    return assert_token(await exchange(client, app, code), scope)


async def exchange(client: httpx.AsyncClient, app: NewApplication, code: str) -> httpx.Response:
    return await client.post(
        "/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        headers=basic(app.application.client_id, app.client_secret or ""),
    )


async def refresh(
    client: httpx.AsyncClient, app: NewApplication, token: object, **form: str
) -> httpx.Response:
    return await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(token), **form},
        headers=basic(app.application.client_id, app.client_secret or ""),
    )


async def can_read(client: httpx.AsyncClient, token: object) -> int:
    return (await client.get("/api/v2/current_account", headers=bearer(token))).status_code


async def write_attempt(client: httpx.AsyncClient, token: object) -> httpx.Response:
    """A write that succeeds (201) for any account holding a ``write`` token."""
    return await client.post(
        APPLICATIONS, json={"application": {"name": "Written"}}, headers=bearer(token)
    )


async def cut_scopes(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner, app: NewApplication, scopes: str
) -> None:
    """The owner changes the application's scopes through the API."""
    owner = bearer(await create_token(runtime, people.owner, "read write bank"))
    response = await client.patch(
        f"{APPLICATIONS}/{app.application.id}",
        json={"application": {"scopes": scopes}},
        headers=owner,
    )
    assert response.status_code == 200, response.text
    assert response.json()["scopes"] == scopes


# -- scope cuts --------------------------------------------------------------------------


async def test_hole_6_access_token_cannot_exceed_the_applications_current_scopes(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    tokens = await grant(client, app, people.person.login)
    assert (await write_attempt(client, tokens["access_token"])).status_code == 201
    await cut_scopes(client, runtime, people, app, "read")
    refused = await write_attempt(client, tokens["access_token"])
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"] == "insufficient_scope"
    assert await can_read(client, tokens["access_token"]) == 200


async def test_hole_6_client_credentials_token_follows_the_scope_cut(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "read write"},
        headers=basic(app.application.client_id, app.client_secret or ""),
    )
    token = assert_token(response, "read write")["access_token"]
    await cut_scopes(client, runtime, people, app, "read")
    refused = await write_attempt(client, token)
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"] == "insufficient_scope"


async def test_hole_6_refresh_after_a_scope_cut_grants_the_intersection(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    tokens = await grant(client, app, people.person.login)
    await cut_scopes(client, runtime, people, app, "read")
    asked = await refresh(client, app, tokens["refresh_token"], scope="read write")
    assert_error(asked, 400, "invalid_scope")
    narrowed = assert_token(await refresh(client, app, tokens["refresh_token"]), "read")
    refused = await write_attempt(client, narrowed["access_token"])
    assert refused.status_code == 403
    assert refused.json()["error"] == "insufficient_scope"
    assert await can_read(client, narrowed["access_token"]) == 200
    # The rotated refresh token keeps the resource owner's grant; it is cut at each use.
    again = assert_token(await refresh(client, app, narrowed["refresh_token"]), "read")
    await cut_scopes(client, runtime, people, app, "read write")
    restored = assert_token(await refresh(client, app, again["refresh_token"]), "read write")
    assert (await write_attempt(client, restored["access_token"])).status_code == 201


async def test_hole_6_refresh_with_no_scope_left_is_invalid_grant(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner, scopes="read write bank")
    tokens = await grant(client, app, people.person.login, "read")
    await cut_scopes(client, runtime, people, app, "write")
    assert await can_read(client, tokens["access_token"]) == 403
    response = await refresh(client, app, tokens["refresh_token"])
    assert_error(response, 400, "invalid_grant")
    # Nothing was rotated: once the scope is back, the same refresh token works.
    await cut_scopes(client, runtime, people, app, "read write")
    assert_token(await refresh(client, app, tokens["refresh_token"]), "read")


async def test_hole_6_code_exchanged_after_a_scope_cut_grants_the_intersection(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    params = {
        "response_type": "code",
        "client_id": app.application.client_id,
        "redirect_uri": REDIRECT,
        "scope": "read write",
    }
    code = await authorization_code(client, params, people.person.login)
    await cut_scopes(client, runtime, people, app, "read")
    assert_token(await exchange(client, app, code), "read")


# -- refresh-token reuse -----------------------------------------------------------------


async def test_hole_6_reusing_a_rotated_refresh_token_revokes_the_family(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    first = await grant(client, app, people.person.login)
    second = assert_token(await refresh(client, app, first["refresh_token"]), "read write")
    third = assert_token(await refresh(client, app, second["refresh_token"]), "read write")
    other = await grant(client, app, people.person.login)  # another family of the same pair
    family = [first, second, third]
    for tokens in family:
        assert await can_read(client, tokens["access_token"]) == 200
    # An attacker (or the client) presents a refresh token that was already rotated.
    reuse = await refresh(client, app, first["refresh_token"])
    assert_error(reuse, 400, "invalid_grant")
    for tokens in family:
        assert await can_read(client, tokens["access_token"]) == 401
    assert_error(await refresh(client, app, third["refresh_token"]), 400, "invalid_grant")
    # Other grants are untouched.
    assert await can_read(client, other["access_token"]) == 200
    assert_token(await refresh(client, app, other["refresh_token"]), "read write")


async def test_hole_6_reusing_the_latest_rotated_token_revokes_its_successor(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    first = await grant(client, app, people.person.login)
    # The attacker refreshes first; the legitimate client's later use reveals the breach.
    stolen = assert_token(await refresh(client, app, first["refresh_token"]), "read write")
    assert_error(await refresh(client, app, first["refresh_token"]), 400, "invalid_grant")
    assert await can_read(client, stolen["access_token"]) == 401
    assert_error(await refresh(client, app, stolen["refresh_token"]), 400, "invalid_grant")


async def test_hole_6_concurrent_reuse_leaves_no_live_token(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    app = await make_app(runtime, people.owner)
    first = await grant(client, app, people.person.login)
    responses = await asyncio.gather(
        *(refresh(client, app, first["refresh_token"]) for _ in range(3))
    )
    assert all(r.status_code in (200, 400) for r in responses), [r.text for r in responses]
    winners = [r.json() for r in responses if r.status_code == 200]
    assert len(winners) <= 1
    for body in winners:
        # A loser presented the token after it was rotated: the winner's tokens are revoked.
        assert await can_read(client, body["access_token"]) == 401
        assert_error(await refresh(client, app, body["refresh_token"]), 400, "invalid_grant")
    assert await can_read(client, first["access_token"]) == 401


async def test_hole_6_revoking_a_refresh_token_ends_every_token_of_its_grant(
    client: httpx.AsyncClient, runtime: Runtime, people: Owner
) -> None:
    """RFC 7009 §2.1: revoking a refresh token invalidates the access tokens of the same
    grant, including those issued before its last rotation."""
    app = await make_app(runtime, people.owner)
    first = await grant(client, app, people.person.login)
    second = assert_token(await refresh(client, app, first["refresh_token"]), "read write")
    other = await grant(client, app, people.person.login)
    response = await client.post(
        "/oauth/revoke",
        data={"token": str(second["refresh_token"]), "token_type_hint": "refresh_token"},
        headers=basic(app.application.client_id, app.client_secret or ""),
    )
    assert response.status_code == 200, response.text
    for tokens in (first, second):
        assert await can_read(client, tokens["access_token"]) == 401
    assert await can_read(client, other["access_token"]) == 200
