from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site, create_token, create_user


async def test_current_account_and_its_collections(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_a = await create_site(runtime, name="A")
    site_b = await create_site(runtime, name="B", status="suspended")
    account = await create_account(
        runtime, first_name="Alex", last_name="Rivera", password="correct horse"
    )
    await create_user(runtime, site_a, account, assignor=True)
    await create_user(runtime, site_b, account, active=False)
    headers = {"Authorization": f"Bearer {await create_token(runtime, account)}"}

    me = await client.get("/api/v2/current_account", headers=headers)
    assert me.status_code == 200
    body = me.json()
    assert body["id"] == account.id and body["name"] == "Alex Rivera"
    assert body["operator"] is False
    assert body["created"].endswith("+00:00")
    assert body["_links"]["self"]["resource-type"] == "account"
    assert body["_links"]["self"]["href"] == "https://testserver/api/v2/current_account.json"

    sites = (await client.get("/api/v2/current_account/sites", headers=headers)).json()
    assert [s["id"] for s in sites["_embedded"]["sites"]] == [site_a.id, site_b.id]
    active = await client.get(
        "/api/v2/current_account/sites?search[status]=active", headers=headers
    )
    assert [s["id"] for s in active.json()["_embedded"]["sites"]] == [site_a.id]
    bad = await client.get("/api/v2/current_account/users?search[status]=maybe", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"search[status]": ["is not included in the list"]}
    assert bad.json()["message"] == "Validation failed: search[status] is not included in the list"
    users = (await client.get("/api/v2/current_account/users", headers=headers)).json()
    assert [u["active"] for u in users["_embedded"]["users"]] == ["true", "false"]
    assert users["_embedded"]["users"][0]["_embedded"]["site"]["name"] == "A"
    # The inactive profile grants no access to its site.
    assert (await client.get(f"/api/v2/sites/{site_b.id}", headers=headers)).status_code == 403


async def test_account_update_requires_current_password_for_sensitive_fields(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    account = await create_account(runtime, password="correct horse")
    headers = {"Authorization": f"Bearer {await create_token(runtime, account)}"}
    renamed = await client.patch(
        "/api/v2/current_account", json={"first_name": "Sam"}, headers=headers
    )
    assert renamed.status_code == 200 and renamed.json()["name"].startswith("Sam ")
    refused = await client.put(
        "/api/v2/current_account", json={"email": "new@example.org"}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"current_password": ["is invalid"]}
    changed = await client.put(
        "/api/v2/current_account",
        json={"account": {"email": "New@Example.org", "current_password": "correct horse"}},
        headers=headers,
    )
    assert changed.status_code == 200 and changed.json()["email"] == "new@example.org"


async def test_missing_and_invalid_tokens(client: httpx.AsyncClient, runtime: Runtime) -> None:
    none = await client.get("/api/v2/current_account")
    assert none.status_code == 401
    assert none.headers["www-authenticate"] == 'Bearer realm="refdesk"'
    assert none.json()["error"] == "invalid_token"
    for value in ("Bearer None", "Bearer " + "0" * 64, "bearer nothex"):
        bad = await client.get("/api/v2/current_account", headers={"Authorization": value})
        assert bad.status_code == 401
        assert 'error="invalid_token"' in bad.headers["www-authenticate"]
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    ok = await client.get(
        "/api/v2/current_account", headers={"Authorization": f"BEARER {member.token}"}
    )
    assert ok.status_code == 200


async def test_deactivating_the_application_owner_ends_its_tokens(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    from refdesk.server.accounts.service import set_account_flags
    from refdesk.server.auth.service import create_application, issue_tokens

    owner = await create_account(runtime)
    person = await create_account(runtime)
    async with runtime.db.transaction() as session:
        app = await create_application(session, runtime.hasher, owner.id, "third party")
        body = await issue_tokens(session, runtime, app.application, person.id, {"read"})
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await client.get("/api/v2/current_account", headers=headers)).json()["id"] == (
        person.id
    )
    async with runtime.db.transaction() as session:
        await set_account_flags(session, owner.id, active=False)
    assert (await client.get("/api/v2/current_account", headers=headers)).status_code == 401
