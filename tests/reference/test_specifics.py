"""Rules particular to one reference kind: pattern positions, fee tables, zones, groups."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site


async def test_patterns_fees_and_zones(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime, currency="USD")
    a = (await create_member(runtime, site, assignor=True)).headers
    base = f"/api/v2/sites/{site.id}"
    referee = (await client.post(f"{base}/positions", json={"name": "Referee"}, headers=a)).json()
    assert referee["abbreviation"] == "R"
    pattern = await client.post(
        f"{base}/patterns",
        data={
            "pattern[name]": "3 officials",
            "pattern[position_patterns_attributes][0][position_name]": "Assistant Referee",
            "pattern[position_patterns_attributes][0][rank_order]": "2",
            "pattern[position_patterns_attributes][1][position_name]": "referee",
            "pattern[position_patterns_attributes][1][rank_order]": "1",
        },
        headers=a,
    )
    assert pattern.status_code == 201, pattern.text
    entries = pattern.json()["positions"]
    assert [(e["name"], e["abbreviation"], e["sort_order"]) for e in entries] == [
        ("Referee", "R", 1),
        ("Assistant Referee", "AR", 2),
    ]
    assert entries[0]["position_id"] == referee["id"]
    bad = await client.post(
        f"{base}/patterns", json={"name": "X", "positions": [987654]}, headers=a
    )
    assert bad.json()["errors"] == {"positions": ["does not exist"]}

    ar_id = entries[1]["position_id"]
    fee_row = {"pattern_id": pattern.json()["id"], "position_id": ar_id, "amount": "1234.5"}
    dup = await client.post(
        f"{base}/age_groups", json={"name": "U12", "fees": [fee_row, fee_row]}, headers=a
    )
    assert dup.json()["errors"] == {"fees": ["has duplicate entries"]}
    cents = await client.post(
        f"{base}/age_groups",
        json={"name": "U12", "fees": [{**fee_row, "amount": 1.234}]},
        headers=a,
    )
    assert cents.status_code == 422
    age = await client.post(
        f"{base}/age_groups", json={"name": "U12", "fees": [fee_row]}, headers=a
    )
    assert age.status_code == 201, age.text
    assert age.json()["fees"] == [
        {
            "pattern_id": fee_row["pattern_id"],
            "position_id": ar_id,
            "amount": 1234.5,
            "pattern": "3 officials",
            "position": "Assistant Referee",
            "formatted": "$1,234.50",
        }
    ]
    assert age.json()["game_length"] == 60

    zone = (await client.post(f"{base}/zones", json={"name": "North"}, headers=a)).json()
    venue = (
        await client.post(
            f"{base}/venues", json={"name": "Field", "zone_id": zone["id"]}, headers=a
        )
    ).json()
    assert venue["zone_id"] == zone["id"]
    assert (await client.delete(f"/api/v2/zones/{zone['id']}", headers=a)).status_code == 204
    after = (await client.get(f"/api/v2/venues/{venue['id']}", headers=a)).json()
    assert after["zone_id"] is None

    group = (await client.post(f"{base}/groups", json={"name": "Timekeepers"}, headers=a)).json()
    assert group["_links"]["users"] == {
        "href": f"https://testserver/api/v2/groups/{group['id']}/users.json"
    }
    restricted = await client.put(
        f"/api/v2/positions/{ar_id}", json={"group_id": group["id"]}, headers=a
    )
    assert restricted.json()["group_id"] == group["id"]
    assert (await client.delete(f"/api/v2/groups/{group['id']}", headers=a)).status_code == 204
    assert (await client.get(f"/api/v2/positions/{ar_id}", headers=a)).json()["group_id"] is None
