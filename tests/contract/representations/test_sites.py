"""Account, applications, sites and subscription representations (contract §15, §16.1)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.support.games import setup_site
from tests.support.shapes import BASE, UTC_ZONE, assert_collection, assert_shape, get_ok, post_ok
from tests.support.tables import ACCOUNT, APPLICATION, PUBLIC_APPLICATION, SITE, SUBSCRIPTION


async def test_account_applications_and_sites(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)

    account = await get_ok(client, "/api/v2/current_account", assignor)
    assert_shape(account, ACCOUNT)
    assert account["created"].endswith("+00:00")

    app = await post_ok(
        client,
        "/api/v2/current_account/applications",
        assignor,
        {"name": "League sync", "redirect_uris": ["https://app.example.org/cb"]},
    )
    # client_secret only in the create (and rotate) response.
    assert_shape(app, APPLICATION.add(client_secret="string"))
    assert_shape(
        await get_ok(client, f"/api/v2/current_account/applications/{app['id']}", assignor),
        APPLICATION,
    )
    public = await post_ok(
        client,
        "/api/v2/current_account/applications",
        assignor,
        {"name": "Phone", "confidential": False, "redirect_uris": ["https://x.example.org/cb"]},
    )
    # A public client has no secret, so nothing to rotate: the action link is absent.
    assert_shape(public, PUBLIC_APPLICATION.add(client_secret="null"))
    listed = await get_ok(client, "/api/v2/current_account/applications", assignor)
    assert_collection(listed, "/current_account/applications", "applications", "array", UTC_ZONE)
    *_, confidential, public_item = listed["_embedded"]["applications"]
    assert_shape(confidential, APPLICATION)
    assert_shape(public_item, PUBLIC_APPLICATION)

    site = await get_ok(client, f"/api/v2/sites/{site_id}", assignor)
    assert_shape(site, SITE)
    assert_collection(await get_ok(client, "/api/v2/sites", assignor), "/sites", "sites", SITE)
    assert_collection(
        await get_ok(client, "/api/v2/current_account/sites", assignor),
        "/current_account/sites",
        "sites",
        SITE,
    )
    subscription = await get_ok(client, f"/api/v2/sites/{site_id}/subscription", assignor)
    assert_shape(subscription, SUBSCRIPTION)
    assert subscription["_links"]["site"]["href"] == f"{BASE}/api/v2/sites/{site_id}.json"
