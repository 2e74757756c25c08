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
    assert body["page"] == {"records": 1, "pages": 1, "current_page": 1, "next_page": None,
                            "prev_page": None, "limit": 50}
    item = body["_embedded"]["sites"][0]
    assert item["show_all_games"] == "false"
    assert item["_links"]["self"] == {
        "resource-type": "site", "href": f"https://testserver/api/v2/sites/{site.id}.json"}
    one = await client.get(f"/v2/sites/{site.id}.json", headers=member.headers)
    assert one.status_code == 200
    assert one.json()["name"] == "Harbor Referees"
    assert one.json()["timezone"] == "America/New_York"
    assert one.json()["created"].endswith(("-05:00", "-04:00"))
    forbidden = await client.get(f"/api/v2/sites/{other.id}", headers=member.headers)
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == "forbidden"
