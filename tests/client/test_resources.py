"""Every typed helper of the SDK against the real app, through Client and AsyncClient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from refdesk.client import Conflict, NotFound, Page, RefdeskError, Resource
from refdesk.client._core import VENDOR_TYPE
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site, create_token
from tests.support.sdk import SDK


async def test_current_account_get_update_and_collections(sdk: SDK, runtime: Runtime) -> None:
    first = await create_site(runtime, name="Harbor Referees")
    second = await create_site(runtime, name="Valley League")
    member = await create_member(runtime, first, official=True)
    from tests.factories import create_user

    await create_user(runtime, second, member.account, active=False)
    api = sdk(token=member.token)

    me = await api(lambda c: c.current_account.get())
    assert isinstance(me, Resource)
    assert me.id == member.account.id
    assert me.resource_type == "account"
    assert me.link(
        "sites",
    ) and me.link("users")

    updated = await api(lambda c: c.current_account.update({"first_name": "Alexandra"}))
    assert updated["first_name"] == "Alexandra"
    assert updated["name"].startswith("Alexandra ")

    sites = await api(lambda c: c.current_account.sites())
    assert isinstance(sites, Page)
    assert [s["name"] for s in sites.resources] == ["Harbor Referees", "Valley League"]
    active_only = await api(lambda c: c.current_account.sites(status="active"))
    assert [s.id for s in active_only.resources] == [first.id]
    assert [s.id for s in await api.collect(lambda c: c.current_account.iter_sites(limit=1))] == [
        first.id,
        second.id,
    ]

    users = await api(lambda c: c.current_account.users(limit=1))
    assert users.records == 2 and len(users.resources) == 1
    assert users.resources[0].embedded_one("site") is not None
    all_users = await api.collect(lambda c: c.current_account.iter_users(limit=1))
    assert len(all_users) == 2 and all_users[0].id == member.user.id
    inactive = await api.collect(lambda c: c.current_account.iter_users(status="inactive"))
    assert [u["active"] for u in inactive] == ["false"]


async def test_sites_helpers_for_an_operator(sdk: SDK, runtime: Runtime) -> None:
    operator = await create_account(runtime, operator=True)
    api = sdk(token=await create_token(runtime, operator))

    created = await api(
        lambda c: c.sites.create(
            {"name": "Valley League", "timezone": "America/Chicago"}, idempotency_key="site-1"
        )
    )
    assert created["name"] == "Valley League" and created.id is not None
    again = await api(
        lambda c: c.sites.create(
            {"name": "Valley League", "timezone": "America/Chicago"}, idempotency_key="site-1"
        )
    )
    assert again.id == created.id  # replayed, not created twice
    site_id = created.id

    fetched = await api(lambda c: c.sites.get(site_id))
    assert fetched["timezone"] == "America/Chicago"
    changed = await api(lambda c: c.sites.update(site_id, {"show_all_games": True}))
    assert changed["show_all_games"] == "true"

    listed = await api(lambda c: c.sites.list(name="valley"))
    assert [s.id for s in listed.resources] == [site_id]
    assert [s.id for s in await api.collect(lambda c: c.sites.iter())] == [site_id]

    subscription = await api(lambda c: c.sites.subscription(site_id))
    assert subscription["status"] == "active" and subscription["active"] is True
    lapsed = await api(
        lambda c: c.sites.update_subscription(site_id, {"status": "trial", "plan": "Standard"})
    )
    assert (lapsed["status"], lapsed["plan"]) == ("trial", "Standard")

    assert await api(lambda c: c.sites.delete(site_id)) is None
    with pytest.raises(NotFound):
        await api(lambda c: c.sites.get(site_id))

    # The vendor media type went out on every request, and as Content-Type on every write.
    for exchange in api.wire.log:
        assert exchange.request_headers["accept"] == VENDOR_TYPE
        if exchange.method in ("POST", "PUT"):
            assert exchange.request_headers["content-type"].startswith(VENDOR_TYPE)
    assert "idempotency-key" in api.wire.log[0].request_headers


async def test_users_get_and_update_with_lock_version(sdk: SDK, runtime: Runtime) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    official = await create_member(runtime, site)
    api = sdk(token=assignor.token)
    user_id = official.user.id

    user = await api(lambda c: c.users.get(user_id))
    assert user.lock_version == 0 and user.resource_type == "user"
    assert user.embedded_one("site")["id"] == site.id

    changed = await api(
        lambda c: c.users.update(user_id, {"mobile_phone": "(111) 222-3333"}, lock_version=0)
    )
    assert changed.lock_version == 1 and changed["mobile_phone"] == "(111) 222-3333"

    with pytest.raises(Conflict) as stale:
        await api(lambda c: c.users.update(user_id, {"grade": "Grade 8"}, lock_version=0))
    assert stale.value.lock_version == 1
    assert stale.value.code == "stale_lock_version"
    unconditional = await api(lambda c: c.users.update(user_id, {"grade": "Grade 8"}))
    assert unconditional.lock_version == 2


async def test_update_with_retry_rereads_and_reapplies_after_a_concurrent_change(
    sdk: SDK, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    official = await create_member(runtime, site)
    api = sdk(token=assignor.token)
    user_id = official.user.id
    url = f"/api/v2/users/{user_id}"

    async def someone_else_writes_first(request: httpx.Request) -> None:
        if request.method == "PUT" and api.wire.count("PUT", url) == 0:
            resp = await client.put(
                url, json={"mobile_phone": "(999) 000-0000"}, headers=assignor.headers
            )
            assert resp.status_code == 200

    api.wire.before = someone_else_writes_first
    seen: list[int | None] = []

    def change(current: Resource) -> dict[str, str]:
        seen.append(current.lock_version)
        return {"grade": f"Grade after v{current.lock_version}"}

    result = await api(lambda c: c.users.update_with_retry(user_id, change))
    assert seen == [0, 1]
    assert result.lock_version == 2
    assert result["grade"] == "Grade after v1"
    assert result["mobile_phone"] == "(999) 000-0000"  # the other writer's change survives
    assert api.wire.statuses(url) == [200, 409, 200, 200]


async def test_update_with_retry_gives_up_after_its_attempts(
    sdk: SDK, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    official = await create_member(runtime, site)
    api = sdk(token=assignor.token)
    url = f"/api/v2/users/{official.user.id}"

    async def always_first(request: httpx.Request) -> None:
        if request.method == "PUT":
            grade = f"Grade {api.wire.count('PUT', url)}"
            await client.put(url, json={"grade": grade}, headers=assignor.headers)

    api.wire.before = always_first
    with pytest.raises(Conflict) as failed:
        await api(
            lambda c: c.users.update_with_retry(official.user.id, {"grade": "mine"}, attempts=2)
        )
    assert failed.value.lock_version == 2
    assert api.wire.count("PUT", url) == 2


def _post_site(name: str) -> Callable[[Any], Any]:
    return lambda c: c.post("sites", {"site": {"name": name}})


async def test_generic_requests_follow_and_paginate(sdk: SDK, runtime: Runtime) -> None:
    operator = await create_account(runtime, operator=True)
    api = sdk(token=await create_token(runtime, operator))
    ids = []
    for n in range(5):
        site = await api(_post_site(f"Site {n}"))
        ids.append(site.id)

    first = await api(lambda c: c.sites.list(limit=2))
    assert [s.id for s in first.resources] == ids[:2]
    assert first.info["pages"] == 3 and not first.is_last
    second = await api(lambda c: c.follow(first, "next"))
    assert isinstance(second, Page) and [s.id for s in second.resources] == ids[2:4]
    third = await api(lambda c: c.follow(second, "next"))
    assert [s.id for s in third.resources] == ids[4:] and third.is_last
    with pytest.raises(RefdeskError):
        await api(lambda c: c.follow(third, "next"))

    everything = await api.collect(lambda c: c.sites.iter(limit=2))
    assert [s.id for s in everything] == ids
    # Three pages, three requests: the iterator stopped on the last page's signals.
    assert api.wire.count("GET", "/api/v2/sites") == 3 + 3
    generic = await api.collect(lambda c: c.paginate("sites", "sites", params={"limit": 4}))
    assert [s.id for s in generic] == ids

    one = await api(lambda c: c.get(f"sites/{ids[0]}"))
    self_link = one.self_url
    assert self_link and self_link.endswith(f"/sites/{ids[0]}.json")
    again = await api(lambda c: c.follow(one, "self"))
    assert again.id == ids[0]
    spelled_out = await api(lambda c: c.get(f"/api/v2/sites/{ids[0]}"))
    assert spelled_out.id == ids[0]
    patched = await api(lambda c: c.patch(f"sites/{ids[0]}", {"site": {"name": "Renamed"}}))
    assert patched["name"] == "Renamed"
    assert await api(lambda c: c.put(f"sites/{ids[0]}", {"name": "Again"})) is not None
    assert await api(lambda c: c.delete(f"sites/{ids[0]}")) is None
    page = await api(lambda c: c.page("sites", params={"search": {"name": "Site 4"}}))
    assert [s.id for s in page.resources] == [ids[4]]
    head = await api(lambda c: c.request("HEAD", "sites"))
    assert head is None


async def test_links_to_another_origin_get_no_credentials(sdk: SDK, runtime: Runtime) -> None:
    site = await create_site(runtime)
    member = await create_member(runtime, site)
    api = sdk(token=member.token)
    foreign = Resource({"_links": {"next": {"href": "https://evil.example.org/api/v2/sites"}}})
    with pytest.raises(RefdeskError, match="refusing to send credentials"):
        await api(lambda c: c.follow(foreign, "next"))
    assert api.wire.log == []
