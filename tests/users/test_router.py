"""Users through HTTP (contract §17.1, §17.5)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site, create_user


async def test_site_user_list_filters_and_roles(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    assignor = await create_member(
        runtime, site, assignor=True, official=False, first_name="Zed", last_name="Boss"
    )
    official = await create_member(runtime, site, first_name="Alex", last_name="Rivera")
    observer = await create_member(
        runtime, site, official=False, observer=True, first_name="Olive", last_name="Watcher"
    )
    url = f"/api/v2/sites/{site.id}/users"
    everyone = (await client.get(url, headers=assignor.headers)).json()
    assert [u["last_name"] for u in everyone["_embedded"]["users"]] == ["Boss", "Rivera", "Watcher"]
    found = (await client.get(url + "?search[query]=alex riv", headers=assignor.headers)).json()
    assert [u["id"] for u in found["_embedded"]["users"]] == [official.user.id]
    observers = (await client.get(url + "?search[observer]=Y", headers=assignor.headers)).json()
    assert [u["id"] for u in observers["_embedded"]["users"]] == [observer.user.id]
    bad = await client.get(url + "?search[official]=perhaps", headers=assignor.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"search[official]": ["is not a valid boolean"]}
    assert (await client.get(url, headers=official.headers)).status_code == 403
    assert (
        await client.delete(f"/api/v2/users/{official.user.id}", headers=assignor.headers)
    ).status_code == 405


async def test_create_user_links_accounts_and_enforces_rules(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime, official_limit=2)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    manager = await create_member(runtime, site, manager=True, official=False)
    url = f"/api/v2/sites/{site.id}/users"
    existing = await create_account(runtime, email="Sam@Example.org")

    linked = await client.post(
        url,
        json={"user": {"first_name": "Sam", "last_name": "Lee", "email": "sam@example.org"}},
        headers=manager.headers,
    )
    assert linked.status_code == 201, linked.text
    body = linked.json()
    assert body["account_id"] == existing.id
    assert (body["official"], body["assignor"], body["active"]) == ("true", "false", "true")
    assert body["email_addresses"] == ["sam@example.org"]
    again = await client.post(
        url,
        json={"first_name": "S", "last_name": "L", "email": "SAM@example.org"},
        headers=assignor.headers,
    )
    assert again.status_code == 422
    assert again.json()["errors"] == {"email": ["has already been taken"]}

    escalate = await client.post(
        url,
        json={"first_name": "A", "last_name": "B", "email": "ab@example.org", "assignor": "true"},
        headers=manager.headers,
    )
    assert escalate.status_code == 403 and "assignor" in escalate.json()["message"]

    invalid = await client.post(
        url,
        json={"first_name": "", "email": "nope", "password": "short", "password_confirmation": "x"},
        headers=assignor.headers,
    )
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == {
        "last_name": ["can't be blank"],
        "first_name": ["can't be blank"],
        "email": ["is invalid"],
        # Only an operator may choose a password (tests/users/test_invitations.py).
        "password": [
            "can only be set by the account's owner (invitation link) or an instance operator"
        ],
    }

    fresh = await client.post(
        url,
        data={
            "user[first_name]": "Kim",
            "user[last_name]": "Park",
            "user[email]": "kim@example.org",
        },
        headers=assignor.headers,
    )
    assert fresh.status_code == 201, fresh.text
    clash = await client.post(
        url,
        json={"first_name": "kim", "last_name": "PARK", "email": "kim2@example.org"},
        headers=assignor.headers,
    )
    assert clash.status_code == 422
    # The name clash and the plan's limit (2 officials: Sam and Kim) are both reported.
    assert clash.json()["errors"] == {
        "base": ["First and last name are already used by another official of this site"],
        "official": ["exceeds the official limit of this site's plan"],
    }
    non_official = await client.post(
        url,
        json={
            "first_name": "Ob",
            "last_name": "Server",
            "email": "ob@example.org",
            "official": "false",
            "observer": "true",
        },
        headers=assignor.headers,
    )
    assert non_official.status_code == 201


async def test_cross_site_users_activation_and_groups(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_a = await create_site(runtime, name="A")
    site_b = await create_site(runtime, name="B")
    assignor = await create_member(runtime, site_a, assignor=True, official=False)
    await create_user(runtime, site_b, assignor.account)  # an official in site B
    a_official = await create_member(runtime, site_a)
    await create_member(runtime, site_b)  # someone else's user in B: not visible

    listed = (await client.get("/api/v2/users", headers=assignor.headers)).json()
    assert {
        (u["_embedded"]["site"]["name"], u["account_id"]) for u in listed["_embedded"]["users"]
    } == {("A", assignor.account.id), ("A", a_official.account.id), ("B", assignor.account.id)}
    only_b = (
        await client.get(f"/api/v2/users?search[site_id]={site_b.id}", headers=assignor.headers)
    ).json()
    assert only_b["page"]["records"] == 1

    last = await client.post(
        f"/api/v2/users/{assignor.user.id}/deactivate", headers=assignor.headers
    )
    assert last.status_code == 422
    assert last.json()["errors"] == {
        "assignor": ["the site must keep at least one active assignor"]
    }
    off = await client.post(
        f"/api/v2/users/{a_official.user.id}/deactivate",
        json={"lock_version": 0},
        headers=assignor.headers,
    )
    assert off.status_code == 200
    assert off.json()["active"] == "false" and off.json()["lock_version"] == 1
    assert (
        await client.get("/api/v2/current_account", headers=a_official.headers)
    ).status_code == 200
    assert (
        await client.get(f"/api/v2/sites/{site_a.id}", headers=a_official.headers)
    ).status_code == 403
    stale = await client.post(
        f"/api/v2/users/{a_official.user.id}/activate",
        json={"lock_version": 0},
        headers=assignor.headers,
    )
    assert stale.status_code == 409
    on = await client.post(f"/api/v2/users/{a_official.user.id}/activate", headers=assignor.headers)
    assert on.json()["active"] == "true" and on.json()["lock_version"] == 2

    group = (
        await client.post(
            f"/api/v2/sites/{site_a.id}/groups", json={"name": "Crew"}, headers=assignor.headers
        )
    ).json()
    added = await client.post(
        f"/api/v2/users/{a_official.user.id}/groups/{group['id']}", headers=assignor.headers
    )
    assert added.status_code == 200 and added.json()["users_count"] == 1
    twice = await client.post(
        f"/api/v2/users/{a_official.user.id}/groups/{group['id']}", headers=assignor.headers
    )
    assert twice.json()["users_count"] == 1
    members = (
        await client.get(f"/api/v2/groups/{group['id']}/users", headers=assignor.headers)
    ).json()
    assert [u["id"] for u in members["_embedded"]["users"]] == [a_official.user.id]
    mine = (
        await client.get(f"/api/v2/users/{a_official.user.id}/groups", headers=a_official.headers)
    ).json()
    assert [g["name"] for g in mine["_embedded"]["groups"]] == ["Crew"]
    in_group = (
        await client.get(
            f"/api/v2/sites/{site_a.id}/users?search[group_id]={group['id']}",
            headers=assignor.headers,
        )
    ).json()
    assert in_group["page"]["records"] == 1
    other_site = await create_site(runtime)
    foreign = await create_member(runtime, other_site)
    wrong = await client.post(
        f"/api/v2/users/{foreign.user.id}/groups/{group['id']}", headers=assignor.headers
    )
    assert wrong.status_code == 403
    removed = await client.delete(
        f"/api/v2/users/{a_official.user.id}/groups/{group['id']}", headers=assignor.headers
    )
    assert removed.status_code == 204
    assert (await client.get(f"/api/v2/groups/{group['id']}", headers=assignor.headers)).json()[
        "users_count"
    ] == 0
