"""Webhook subscriptions over HTTP (contract §18.7): create on both paths, the ``site_id``
rule, validation messages, who may, the secret's two appearances, update, delete."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import httpx
from sqlalchemy import select

from refdesk.server.app import create_app
from refdesk.server.runtime import Runtime
from refdesk.server.webhooks.models import WebhookSubscription
from refdesk.server.webhooks.secrets import open_secret
from tests.factories import create_account, create_member, create_site, create_token, create_user
from tests.support.app import client_for, make_settings
from tests.support.services import assignor_site
from tests.support.subscriptions import HOOK_URL, SUBSCRIPTION

LIST = "/api/v2/webhooks/subscriptions"
HEX64 = re.compile(r"[0-9a-f]{64}")


async def _stored(runtime: Runtime, subscription_id: int) -> WebhookSubscription | None:
    async with runtime.db.session() as session:
        found: WebhookSubscription | None = await session.scalar(
            select(WebhookSubscription).where(WebhookSubscription.id == subscription_id)
        )
        return found


async def _create(
    client: httpx.AsyncClient, headers: dict[str, str], site_id: int, **fields: Any
) -> dict[str, Any]:
    resp = await client.post(
        f"/api/v2/sites/{site_id}/webhook_subscriptions",
        json={**SUBSCRIPTION, **fields},
        headers=headers,
    )
    assert resp.status_code == 201, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def test_create_shows_the_secret_once_and_seals_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site, assignor = await assignor_site(runtime)
    resp = await client.post(
        LIST, json={"webhook_subscription": {**SUBSCRIPTION, "site_id": site.id}},
        headers=assignor.headers,
    )  # fmt: skip
    assert resp.status_code == 201, resp.text
    made = resp.json()
    assert resp.headers["Location"] == made["_links"]["self"]["href"]
    assert made["_links"]["self"] == {
        "resource-type": "webhook-subscription",
        "href": f"https://testserver/api/v2/webhooks/subscriptions/{made['id']}.json",
    }
    assert made["_links"]["site"]["href"].endswith(f"/api/v2/sites/{site.id}.json")
    assert made["_links"]["deliveries"] == {
        "href": f"https://testserver/api/v2/webhooks/subscriptions/{made['id']}/deliveries.json"
    }
    assert (made["site_id"], made["target_url"], made["target_method"]) == (
        site.id,
        HOOK_URL,
        "POST",
    )
    assert made["event_types"] == ["game.created", "game.official.changed"]
    assert (made["active"], made["consecutive_failures"], made["description"]) == (
        True,
        0,
        "Payroll sync",
    )
    assert made["last_delivery_at"] is None and made["last_delivery_status"] is None
    assert HEX64.fullmatch(made["secret"])
    stored = await _stored(runtime, made["id"])
    assert stored is not None and made["secret"].encode() not in stored.secret_sealed
    assert open_secret(runtime.hasher, stored.id, stored.secret_sealed) == made["secret"]
    for path in (f"{LIST}/{made['id']}", f"/api/v2/webhook_subscriptions/{made['id']}"):
        shown = await client.get(path, headers=assignor.headers)
        assert shown.status_code == 200 and "secret" not in shown.json()
    listed = (await client.get(LIST, headers=assignor.headers)).json()
    assert "secret" not in listed["_embedded"]["webhook_subscriptions"][0]
    pinged = await client.post(f"{LIST}/{made['id']}/ping", headers=assignor.headers)
    assert pinged.status_code == 200 and "secret" not in pinged.json()


async def test_input_aliases_and_body_keys(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    path = f"/api/v2/sites/{site.id}/webhook_subscriptions"
    wrapped = {"subscription": {"url": HOOK_URL, "topics": ["ping", "ping", "game.deleted"]}}
    first = await client.post(path, json=wrapped, headers=assignor.headers)
    assert first.status_code == 201, first.text
    assert first.json()["event_types"] == ["ping", "game.deleted"]
    form = await client.post(
        path,
        content=f"url={HOOK_URL}&events=game.created,%20ping&target_method=post&active=f",
        headers={**assignor.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 201, form.text
    assert (form.json()["event_types"], form.json()["active"]) == (["game.created", "ping"], False)
    everything = await _create(client, assignor.headers, site.id, event_types=["ping", "*"])
    assert everything["event_types"] == ["*"]


async def test_validation_messages(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    path = f"/api/v2/sites/{site.id}/webhook_subscriptions"

    async def errors(body: dict[str, Any]) -> dict[str, list[str]]:
        resp = await client.post(path, json=body, headers=assignor.headers)
        assert resp.status_code == 422, resp.text
        found: dict[str, list[str]] = resp.json()["errors"]
        return found

    assert await errors({}) == {
        "target_url": ["can't be blank"],
        "event_types": ["can't be blank"],
    }
    assert await errors(
        {
            "url": "https://hooks.example.org/" + "x" * 2000,
            "topics": ["game.created", "game.exploded"],
            "target_method": "GET",
            "active": "maybe",
            "description": "d" * 256,
        }
    ) == {
        "url": ["is too long (maximum is 2000 characters)"],
        "target_method": ["is not included in the list"],
        "topics": ["is not included in the list"],
        "active": ["is not a valid boolean"],
        "description": ["is too long (maximum is 255 characters)"],
    }
    for target in (
        "http://93.184.216.34/hook",  # http without webhook_allow_http
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://user:pass@93.184.216.34/hook",
        "https://93.184.216.34:99999/hook",
        "ftp://93.184.216.34/hook",
        "not a url",
        "https://localhost/hook",
    ):
        assert await errors({"target_url": target, "event_types": ["*"]}) == {
            "target_url": ["is invalid"]
        }, target
    assert await errors({"target_url": HOOK_URL, "events": []}) == {"events": ["can't be blank"]}
    assert await errors({"target_url": HOOK_URL, "event_types": [1]}) == {
        "event_types": ["is invalid"]
    }
    assert await errors({"target_url": " ", "event_types": {"a": 1}}) == {
        "target_url": ["can't be blank"],
        "event_types": ["is invalid"],
    }
    resp = await client.post(path, json={"url": "https://10.0.0.1/"}, headers=assignor.headers)
    assert resp.json()["message"] == (
        "Validation failed: Event types can't be blank, Url is invalid"
    )


async def test_the_site_id_rule(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    inferred = await client.post(LIST, json=SUBSCRIPTION, headers=assignor.headers)
    assert inferred.status_code == 201 and inferred.json()["site_id"] == site.id

    second = await create_site(runtime)
    await create_user(runtime, second, assignor.account, assignor=True)
    ambiguous = await client.post(LIST, json=SUBSCRIPTION, headers=assignor.headers)
    assert ambiguous.status_code == 422
    assert ambiguous.json()["errors"] == {"site_id": ["can't be blank"]}
    both = await client.post(LIST, json={"target_url": "x"}, headers=assignor.headers)
    assert both.json()["errors"] == {
        "site_id": ["can't be blank"],
        "event_types": ["can't be blank"],
        "target_url": ["is invalid"],
    }
    chosen = await client.post(
        LIST, json={**SUBSCRIPTION, "site_id": str(second.id)}, headers=assignor.headers
    )
    assert chosen.status_code == 201 and chosen.json()["site_id"] == second.id

    bad = await client.post(LIST, json={**SUBSCRIPTION, "site_id": "x"}, headers=assignor.headers)
    assert bad.json()["errors"] == {"site_id": ["is not a number"]}
    missing = await client.post(
        LIST, json={**SUBSCRIPTION, "site_id": 999999}, headers=assignor.headers
    )
    assert missing.status_code == 404
    foreign = await create_site(runtime)
    refused = await client.post(
        LIST, json={"site_id": foreign.id, "url": "bad"}, headers=assignor.headers
    )
    assert refused.status_code == 403  # membership before any field problem (§5)

    # Only a manager in its one site: assignor nowhere, so site_id is required.
    manager = await create_member(runtime, site, manager=True, official=False)
    assert (await client.post(LIST, json=SUBSCRIPTION, headers=manager.headers)).json()[
        "errors"
    ] == {"site_id": ["can't be blank"]}


async def test_only_assignors_manage_subscriptions(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site, assignor = await assignor_site(runtime)
    made = await _create(client, assignor.headers, site.id)
    one = f"{LIST}/{made['id']}"
    for flags in ({"manager": True}, {"official": True}, {"observer": True}):
        member = await create_member(runtime, site, "read write", **flags)
        h = member.headers
        for method, url, body in (
            ("GET", f"/api/v2/sites/{site.id}/webhook_subscriptions", None),
            ("POST", f"/api/v2/sites/{site.id}/webhook_subscriptions", {"url": "bad"}),
            ("POST", LIST, {**SUBSCRIPTION, "site_id": site.id}),
            ("GET", one, None),
            ("PUT", one, {"active": False}),
            ("DELETE", one, None),
            ("POST", f"{one}/rotate_secret", None),
            ("POST", f"{one}/ping", None),
            ("GET", f"{one}/deliveries?limit=500", None),
        ):
            resp = await client.request(method, url, json=body, headers=h)
            assert resp.status_code == 403, (flags, method, url, resp.text)
        listed = (await client.get(LIST, headers=h)).json()
        assert listed["_embedded"]["webhook_subscriptions"] == []
    operator = await create_account(runtime, operator=True)
    as_operator = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    assert (await client.get(one, headers=as_operator)).status_code == 200


async def test_lapsed_site_is_402_before_the_role_and_fields(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site, assignor = await assignor_site(runtime)
    made = await _create(client, assignor.headers, site.id)
    manager = await create_member(runtime, site, manager=True)
    async with runtime.db.transaction() as session:
        from refdesk.server.sites.models import Site

        stored = await session.get(Site, site.id)
        assert stored is not None
        stored.expires_on = date(2020, 1, 1)
    for who in (assignor, manager):
        for method, url in (
            ("GET", f"{LIST}/{made['id']}"),
            ("PUT", f"/api/v2/webhook_subscriptions/{made['id']}"),
            ("POST", f"/api/v2/sites/{site.id}/webhook_subscriptions"),
        ):
            resp = await client.request(method, url, json={"url": "x"}, headers=who.headers)
            assert resp.status_code == 402, (method, url, resp.text)
    listed = (await client.get(LIST, headers=assignor.headers)).json()
    assert listed["_embedded"]["webhook_subscriptions"] == []


async def test_update_is_partial_and_reactivation_resets_failures(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site, assignor = await assignor_site(runtime)
    made = await _create(client, assignor.headers, site.id)
    url = f"/api/v2/webhook_subscriptions/{made['id']}"
    async with runtime.db.transaction() as session:
        stored = await session.get(WebhookSubscription, made["id"])
        assert stored is not None
        stored.active, stored.consecutive_failures = False, 50
    still_off = await client.patch(url, json={"description": None}, headers=assignor.headers)
    assert still_off.status_code == 200, still_off.text
    body = still_off.json()
    assert (body["description"], body["active"], body["consecutive_failures"]) == (None, False, 50)
    assert body["target_url"] == HOOK_URL and body["event_types"] == made["event_types"]
    assert "secret" not in body

    on = await client.put(
        url,
        json={"webhook_subscription": {"active": "true", "events": "*", "site_id": 999}},
        headers=assignor.headers,
    )
    assert on.status_code == 200, on.text
    body = on.json()
    assert (body["active"], body["consecutive_failures"], body["event_types"]) == (True, 0, ["*"])
    assert body["site_id"] == site.id  # site_id is fixed at create

    refused = await client.put(
        url, json={"url": "https://192.168.1.1/x", "topics": "nope"}, headers=assignor.headers
    )
    assert refused.json()["errors"] == {
        "topics": ["is not included in the list"],
        "url": ["is invalid"],
    }
    cleared = await client.put(url, json={"target_url": ""}, headers=assignor.headers)
    assert cleared.json()["errors"] == {"target_url": ["can't be blank"]}
    moved = await client.put(
        url, json={"target_url": "https://93.184.216.35/new"}, headers=assignor.headers
    )
    assert moved.json()["target_url"] == "https://93.184.216.35/new"


async def test_rotate_replaces_the_secret_at_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site, assignor = await assignor_site(runtime)
    made = await _create(client, assignor.headers, site.id)
    rotated = await client.post(
        f"/api/v2/webhook_subscriptions/{made['id']}/rotate_secret", headers=assignor.headers
    )
    assert rotated.status_code == 200, rotated.text
    secret = rotated.json()["secret"]
    assert HEX64.fullmatch(secret) and secret != made["secret"]
    stored = await _stored(runtime, made["id"])
    assert stored is not None
    assert open_secret(runtime.hasher, stored.id, stored.secret_sealed) == secret


async def test_delete_removes_it(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    made = await _create(client, assignor.headers, site.id)
    gone = await client.delete(f"{LIST}/{made['id']}", headers=assignor.headers)
    assert gone.status_code == 204 and gone.content == b""
    assert await _stored(runtime, made["id"]) is None
    again = await client.delete(
        f"/api/v2/webhook_subscriptions/{made['id']}", headers=assignor.headers
    )
    assert again.status_code == 404


async def test_lists_order_filter_and_paging(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    other = await create_site(runtime)
    await create_user(runtime, other, assignor.account, assignor=True)
    managed = await create_site(runtime)  # manager only: left out of the cross-site list
    await create_user(runtime, managed, assignor.account, manager=True)
    other_assignor = await create_member(runtime, managed, assignor=True)
    await _create(client, other_assignor.headers, managed.id)
    ids = [(await _create(client, assignor.headers, s.id))["id"] for s in (site, other, site)]

    everything = (await client.get(LIST, headers=assignor.headers)).json()
    assert [s["id"] for s in everything["_embedded"]["webhook_subscriptions"]] == ids
    assert everything["page"]["records"] == 3
    filtered = (
        await client.get(f"{LIST}?search[site_id]={other.id}&limit=1", headers=assignor.headers)
    ).json()
    assert [s["id"] for s in filtered["_embedded"]["webhook_subscriptions"]] == [ids[1]]
    assert filtered["_links"]["self"]["href"] == (
        f"https://testserver{LIST}.json?limit=1&page=1&search%5Bsite_id%5D={other.id}"
    )
    hidden = (
        await client.get(f"{LIST}?search[site_id]={managed.id}", headers=assignor.headers)
    ).json()
    assert hidden["_embedded"]["webhook_subscriptions"] == []
    bad = await client.get(f"{LIST}?search[site_id]=x&limit=51", headers=assignor.headers)
    assert bad.json()["errors"] == {
        "limit": ["must be less than or equal to 50"],
        "search[site_id]": ["is not a number"],
    }

    site_list = f"/api/v2/sites/{site.id}/webhook_subscriptions"
    page2 = (await client.get(f"{site_list}?limit=1&page=2", headers=assignor.headers)).json()
    assert [s["id"] for s in page2["_embedded"]["webhook_subscriptions"]] == [ids[2]]
    assert page2["page"] == {
        "records": 2,
        "pages": 2,
        "current_page": 2,
        "next_page": None,
        "prev_page": 1,
        "limit": 1,
    }
    foreign = await client.get(
        f"/api/v2/sites/{managed.id}/webhook_subscriptions", headers=assignor.headers
    )
    assert foreign.status_code == 403


async def test_loopback_targets_when_the_settings_allow_them(runtime: Runtime) -> None:
    """A local receiver (development, tests): http and loopback with both settings on."""
    site, assignor = await assignor_site(runtime)
    settings = make_settings(
        runtime.settings.data_dir,
        runtime.settings.effective_database_url,
        webhook_allow_http=True,
        webhook_allow_private=True,
    )
    app = create_app(runtime=Runtime.build(settings, db=runtime.db))
    async with client_for(app) as loose:
        for target in ("http://127.0.0.1:8999/hook", "https://localhost/hook", "http://[::1]/"):
            made = await loose.post(
                f"/api/v2/sites/{site.id}/webhook_subscriptions",
                json={"target_url": target, "event_types": ["ping"]},
                headers=assignor.headers,
            )
            assert made.status_code == 201, (target, made.text)
            assert made.json()["target_url"] == target
        userinfo = await loose.post(
            LIST,
            json={"target_url": "http://me:pw@127.0.0.1/", "event_types": ["ping"]},
            headers=assignor.headers,
        )
        assert userinfo.json()["errors"] == {"target_url": ["is invalid"]}
