from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site


async def test_member_lists_and_reads_its_site(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime, name="Harbor Referees")
    other = await create_site(runtime, name="Elsewhere")
    member = await create_member(runtime, site, assignor=True)
    resp = await client.get("/api/v2/sites", headers=member.headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/vnd.assignr.v2.hal+json; charset=utf-8"
    body = resp.json()
    assert [s["id"] for s in body["_embedded"]["sites"]] == [site.id]
    assert body["page"] == {
        "records": 1,
        "pages": 1,
        "current_page": 1,
        "next_page": None,
        "prev_page": None,
        "limit": 50,
    }
    item = body["_embedded"]["sites"][0]
    assert item["show_all_games"] == "false"
    assert item["_links"]["self"] == {
        "resource-type": "site",
        "href": f"https://testserver/api/v2/sites/{site.id}.json",
    }
    one = await client.get(f"/v2/sites/{site.id}.json", headers=member.headers)
    assert one.status_code == 200
    assert one.json()["name"] == "Harbor Referees"
    assert one.json()["timezone"] == "America/New_York"
    assert one.json()["created"].endswith(("-05:00", "-04:00"))
    forbidden = await client.get(f"/api/v2/sites/{other.id}", headers=member.headers)
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == "forbidden"


async def test_site_create_update_delete_by_roles(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    from tests.factories import create_account, create_token

    operator = await create_account(runtime, operator=True, first_name="Olga", last_name="Op")
    op_headers = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    created = await client.post(
        "/api/v2/sites",
        json={
            "site": {
                "name": "  Valley League ",
                "timezone": "America/Chicago",
                "show_all_games": "Y",
                "sports": ["Soccer"],
            }
        },
        headers=op_headers,
    )
    assert created.status_code == 201, created.text
    site = created.json()
    assert site["name"] == "Valley League"
    assert site["show_all_games"] == "true"
    assert site["sports"] == ["soccer"]
    assert site["decline_cutoff_hours"] == 36 and site["subscription_status"] == "active"
    assert created.headers["location"] == site["_links"]["self"]["href"]
    # The creator became the site's assignor.
    mine = await client.get("/api/v2/current_account/users", headers=op_headers)
    profile = mine.json()["_embedded"]["users"][0]
    assert (profile["assignor"], profile["official"]) == ("true", "false")

    invalid = await client.post(
        "/api/v2/sites", data={"site[name]": "", "site[timezone]": "Mars/Base"}, headers=op_headers
    )
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == {"name": ["can't be blank"], "timezone": ["is invalid"]}
    assert (
        invalid.json()["message"] == "Validation failed: Name can't be blank, Timezone is invalid"
    )

    plain = await create_account(runtime)
    plain_headers = {"Authorization": f"Bearer {await create_token(runtime, plain)}"}
    denied = await client.post("/api/v2/sites", json={"name": "Mine"}, headers=plain_headers)
    assert denied.status_code == 403

    site_id = site["id"]
    official = await create_member(runtime, await _site(runtime, site_id))
    not_assignor = await client.put(
        f"/api/v2/sites/{site_id}", json={"name": "X"}, headers=official.headers
    )
    assert not_assignor.status_code == 403
    renamed = await client.patch(
        f"/api/v2/sites/{site_id}",
        json={"name": "Valley FC", "decline_cutoff_hours": 800},
        headers=op_headers,
    )
    assert renamed.status_code == 422
    assert renamed.json()["errors"] == {
        "decline_cutoff_hours": ["must be less than or equal to 720"]
    }
    renamed = await client.patch(
        f"/api/v2/sites/{site_id}", json={"name": "Valley FC"}, headers=op_headers
    )
    assert renamed.json()["name"] == "Valley FC"

    not_operator = await client.delete(f"/api/v2/sites/{site_id}", headers=official.headers)
    assert not_operator.status_code == 403
    gone = await client.delete(f"/api/v2/sites/{site_id}", headers=op_headers)
    assert gone.status_code == 204 and gone.content == b""
    assert (await client.get(f"/api/v2/sites/{site_id}", headers=op_headers)).status_code == 404


async def _site(runtime: Runtime, site_id: int):  # type: ignore[no-untyped-def]
    from refdesk.server.sites.models import Site

    async with runtime.db.session() as session:
        return await session.get(Site, site_id)


async def test_lapsed_subscription_is_402_except_listed_reads(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    from datetime import date

    lapsed = await create_site(runtime, status="active", expires_on=date(2020, 1, 1))
    member = await create_member(runtime, lapsed, assignor=True)
    listed = await client.get("/api/v2/sites", headers=member.headers)
    assert [s["id"] for s in listed.json()["_embedded"]["sites"]] == [lapsed.id]
    assert (
        await client.get(f"/api/v2/sites/{lapsed.id}", headers=member.headers)
    ).status_code == 200
    sub = await client.get(f"/api/v2/sites/{lapsed.id}/subscription", headers=member.headers)
    assert sub.status_code == 200
    assert sub.json()["active"] is False and sub.json()["expires_on"] == "2020-01-01"
    blocked = await client.put(
        f"/api/v2/sites/{lapsed.id}", json={"name": "New"}, headers=member.headers
    )
    assert blocked.status_code == 402
    assert blocked.json()["error"] == "payment_required"
    assert blocked.json()["site_id"] == lapsed.id
    assert (
        await client.get(f"/api/v2/users/{member.user.id}", headers=member.headers)
    ).status_code == 402


async def test_subscription_is_changed_by_operators_only(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    from tests.factories import create_account, create_token

    site = await create_site(runtime, status="expired")
    assignor = await create_member(runtime, site, assignor=True)
    url = f"/api/v2/sites/{site.id}/subscription"
    denied = await client.put(url, json={"status": "active"}, headers=assignor.headers)
    assert denied.status_code == 403
    operator = await create_account(runtime, operator=True)
    headers = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    bad = await client.put(
        url, json={"status": "gold", "expires_on": "02/30/2024"}, headers=headers
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "status": ["is not included in the list"],
        "expires_on": ["is not a valid date"],
    }
    ok = await client.put(
        url,
        json={
            "subscription": {
                "status": "trial",
                "plan": "Standard",
                "official_limit": "150",
                "expires_on": "Aug 31 2099",
            }
        },
        headers=headers,
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "trial" and ok.json()["active"] is True
    assert ok.json()["official_limit"] == 150 and ok.json()["expires_on"] == "2099-08-31"
    assert ok.json()["officials_count"] == 1
    assert (
        await client.put(
            f"/api/v2/sites/{site.id}", json={"name": "Back"}, headers=assignor.headers
        )
    ).status_code == 200


async def test_pagination_links_and_filters(client: httpx.AsyncClient, runtime: Runtime) -> None:
    from tests.factories import create_account, create_token

    operator = await create_account(runtime, operator=True)
    headers = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    for n in range(5):
        await create_site(runtime, name=f"Harbor {n}")
    await create_site(runtime, name="Other")
    resp = await client.get(
        "/api/v2/sites?limit=2&page=2&search[name]=harbor&search[x]=1", headers=headers
    )
    body = resp.json()
    assert body["page"] == {
        "records": 5,
        "pages": 3,
        "current_page": 2,
        "next_page": 3,
        "prev_page": 1,
        "limit": 2,
    }
    base = "https://testserver/api/v2/sites.json?"
    assert body["_links"]["next"] == {"href": base + "limit=2&page=3&search%5Bname%5D=harbor"}
    assert body["_links"]["prev"] == {"href": base + "limit=2&page=1&search%5Bname%5D=harbor"}
    assert body["_links"]["last"] == {"href": base + "limit=2&page=3&search%5Bname%5D=harbor"}
    past = await client.get("/api/v2/sites?page=9", headers=headers)
    assert past.json()["_embedded"]["sites"] == [] and past.json()["page"]["next_page"] is None
    assert "next" not in past.json()["_links"]
    too_big = await client.get("/api/v2/sites?limit=51&page=0", headers=headers)
    assert too_big.status_code == 422
    assert too_big.json()["errors"] == {
        "page": ["must be greater than or equal to 1"],
        "limit": ["must be less than or equal to 50"],
    }
    empty_limit = await client.get("/api/v2/sites?limit=", headers=headers)
    assert empty_limit.json()["page"]["limit"] == 50
