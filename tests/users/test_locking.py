"""Optimistic locking through HTTP (contract §12), on the user resource."""

from __future__ import annotations

import asyncio

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site


async def test_update_increments_lock_version_and_stale_value_is_409(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    official = await create_member(runtime, site)
    url = f"/api/v2/users/{official.user.id}"

    first = await client.put(
        url,
        json={"user": {"mobile_phone": "(111) 222-3333"}, "lock_version": 0},
        headers=assignor.headers,
    )
    assert first.status_code == 200, first.text
    assert first.json()["lock_version"] == 1
    assert first.json()["mobile_phone"] == "(111) 222-3333"

    stale = await client.patch(
        url, json={"mobile_phone": "x", "lock_version": 0}, headers=assignor.headers
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"] == "stale_lock_version"
    assert body["lock_version"] == 1
    assert body["status"] == 409 and body["title"] == "Stale lock version"

    unchanged = await client.get(url, headers=assignor.headers)
    assert unchanged.json()["mobile_phone"] == "(111) 222-3333"

    # Without lock_version the update applies; an update that changes nothing does not count.
    same = await client.put(url, json={"mobile_phone": "(111) 222-3333"}, headers=assignor.headers)
    assert same.json()["lock_version"] == 1
    bad = await client.put(url, json={"lock_version": "abc"}, headers=assignor.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"lock_version": ["is not a number"]}


async def test_concurrent_updates_with_same_lock_version_have_one_winner(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    official = await create_member(runtime, site)
    url = f"/api/v2/users/{official.user.id}"

    async def attempt(n: int) -> httpx.Response:
        return await client.put(
            url, json={"grade": f"Grade {n}", "lock_version": 0}, headers=assignor.headers
        )

    responses = await asyncio.gather(*(attempt(n) for n in range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 7, [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    for loser in (r for r in responses if r.status_code == 409):
        assert loser.json()["lock_version"] == 1
    stored = (await client.get(url, headers=assignor.headers)).json()
    assert stored["grade"] == winner["grade"]
    assert stored["lock_version"] == 1


async def test_concurrent_updates_without_lock_version_are_all_applied(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    official = await create_member(runtime, site)
    url = f"/api/v2/users/{official.user.id}"
    responses = await asyncio.gather(
        *(client.put(url, json={"grade": f"G{n}"}, headers=assignor.headers) for n in range(6))
    )
    assert [r.status_code for r in responses] == [200] * 6
    stored = (await client.get(url, headers=assignor.headers)).json()
    assert stored["lock_version"] == 6


async def test_field_restrictions_and_visibility(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    other = await create_member(runtime, site)
    manager = await create_member(runtime, site, manager=True, official=False)
    own = f"/api/v2/users/{official.user.id}"

    ok = await client.put(own, json={"city": "Salem"}, headers=official.headers)
    assert ok.status_code == 200 and ok.json()["city"] == "Salem"
    assert ok.json()["official"] == "true" and ok.json()["assignor"] == "false"
    escalate = await client.put(own, json={"assignor": "true"}, headers=official.headers)
    assert escalate.status_code == 403
    assert "assignor" in escalate.json()["message"]
    assert (
        await client.get(f"/api/v2/users/{other.user.id}", headers=official.headers)
    ).status_code == 403
    assert (
        await client.put(own, json={"active": "false"}, headers=manager.headers)
    ).status_code == 403
    read_only = await create_member(runtime, site, scopes="read")
    scoped = await client.put(
        f"/api/v2/users/{read_only.user.id}", json={"city": "X"}, headers=read_only.headers
    )
    assert scoped.status_code == 403
    assert scoped.json()["error"] == "insufficient_scope"
    assert 'scope="write"' in scoped.headers["www-authenticate"]
