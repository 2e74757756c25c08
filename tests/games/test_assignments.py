"""Assignments through HTTP (contract §16.4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import GAME, setup_site
from tests.support.games import load_site as _site


async def test_assign_respond_and_unassign(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site, first_name="Alex", last_name="Rivera")
    blair = await create_member(runtime, site, first_name="Blair", last_name="Stone")
    observer = await create_member(runtime, site, official=False, observer=True)
    soon = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%d")
    game = (
        await client.post(
            f"/api/v2/sites/{site_id}/games",
            json={**GAME, "localized_date": soon},
            headers=assignor.headers,
        )
    ).json()
    patterns = (
        await client.get(f"/api/v2/sites/{site_id}/patterns", headers=assignor.headers)
    ).json()["_embedded"]["patterns"]
    referee_id = patterns[0]["positions"][0]["position_id"]
    fees = await client.put(
        f"/api/v2/age_groups/{game['age_group_id']}",
        json={
            "fees": [{"pattern_id": game["pattern_id"], "position_id": referee_id, "amount": 45}]
        },
        headers=assignor.headers,
    )
    assert fees.status_code == 200, fees.text
    slot_r, slot_ar = (s["id"] for s in game["_embedded"]["assignments"][:2])

    assigned = await client.post(
        f"/api/v2/assignments/{slot_r}/assign",
        data={"user_id": str(alex.user.id)},
        headers=assignor.headers,
    )
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert (body["assigned"], body["accepted"], body["declined"]) == (True, False, False)
    assert body["lock_version"] == 1 and body["official_id"] == alex.user.id
    assert body["_embedded"]["official"]["first_name"] == "Alex"
    assert body["_embedded"]["fees"] == [
        {
            "value": 45,
            "formatted": "$45.00",
            "currency": "USD",
            "description": "Game fee",
            "game_fees": 45,
            "travel_fees": 0,
        }
    ]
    assert "accept" not in body["_links"]  # unpublished game: no response links
    same = await client.post(
        f"/api/v2/assignments/{slot_r}/assign",
        json={"official_id": alex.user.id},
        headers=assignor.headers,
    )
    assert same.json()["lock_version"] == 1
    twice = await client.post(
        f"/api/v2/games/{game['id']}/assignments",
        json={"user_id": alex.user.id},
        headers=assignor.headers,
    )
    assert twice.status_code == 422
    assert twice.json()["errors"] == {"user_id": ["already holds a slot in this game"]}
    not_official = await client.post(
        f"/api/v2/assignments/{slot_ar}/assign",
        json={"user_id": observer.user.id},
        headers=assignor.headers,
    )
    assert not_official.json()["errors"] == {"user_id": ["must be an active official of this site"]}
    second = await client.post(
        f"/api/v2/games/{game['id']}/assignments",
        json={"official_id": blair.user.id, "position_id": slot_ar and body["position_id"]},
        headers=assignor.headers,
    )
    assert second.status_code == 422  # the only Referee slot is taken
    assert second.json()["errors"] == {"position_id": ["has no vacant slot"]}
    second = await client.post(
        f"/api/v2/games/{game['id']}/assignments",
        json={"official_id": blair.user.id},
        headers=assignor.headers,
    )
    assert second.status_code == 200 and second.json()["id"] == slot_ar

    unpublished = await client.post(f"/api/v2/assignments/{slot_r}/accept", headers=alex.headers)
    assert unpublished.status_code == 403
    await client.put(
        f"/api/v2/games/{game['id']}", json={"is_public": "1"}, headers=assignor.headers
    )

    seen = (await client.get(f"/api/v2/games/{game['id']}", headers=alex.headers)).json()
    mine, theirs = seen["_embedded"]["assignments"][:2]
    assert "fees" in mine["_embedded"] and "fees" not in theirs["_embedded"]
    assert "decline_reason" in mine and "decline_reason" not in theirs
    assert "fee" not in mine and "private_note" not in seen
    accept_href = mine["_links"]["accept"]["href"]
    assert "accept" not in theirs["_links"]
    accepted = await client.post(
        accept_href.replace("https://testserver", ""), headers=alex.headers
    )
    assert accepted.status_code == 200
    assert (accepted.json()["accepted"], accepted.json()["lock_version"]) == (True, 2)
    assert "accept" not in accepted.json()["_links"]
    again = await client.put(f"/api/v2/assignments/{slot_r}/accept", headers=alex.headers)
    assert again.json()["lock_version"] == 2
    foreign = await client.post(f"/api/v2/assignments/{slot_r}/decline", headers=blair.headers)
    assert foreign.status_code == 403
    declined = await client.post(
        f"/api/v2/assignments/{slot_ar}/confirm",
        json={"status": "d", "reason": "Out of town"},
        headers=blair.headers,
    )
    assert declined.status_code == 200, declined.text
    assert (declined.json()["declined"], declined.json()["accepted"]) == (True, False)
    assert declined.json()["decline_reason"] == "Out of town"
    bad = await client.post(
        f"/api/v2/assignments/{slot_ar}/confirm", json={"status": "maybe"}, headers=blair.headers
    )
    assert bad.json()["errors"] == {"status": ["is not included in the list"]}
    both = await client.put(
        f"/api/v2/assignments/{slot_r}",
        json={"accepted": True, "declined": "y"},
        headers=assignor.headers,
    )
    assert both.json()["errors"] == {"base": ["can't be both accepted and declined"]}
    fee = await client.patch(
        f"/api/v2/assignments/{slot_r}", json={"fee": "50.5"}, headers=assignor.headers
    )
    assert fee.json()["fee"] == 50.5 and fee.json()["_embedded"]["fees"][0]["value"] == 50.5
    sneaky = await client.patch(
        f"/api/v2/assignments/{slot_r}", json={"fee": 99}, headers=alex.headers
    )
    assert sneaky.status_code == 403

    listing = (
        await client.get(f"/api/v2/games/{game['id']}/assignments", headers=assignor.headers)
    ).json()
    assert [a["sort_order"] for a in listing["_embedded"]["assignments"]] == [1, 2, 3]
    cleared = await client.put(f"/api/v2/games/{game['id']}/unassign", headers=assignor.headers)
    assert cleared.status_code == 200
    assert all(
        not a["assigned"] and not a["accepted"] and not a["declined"]
        for a in cleared.json()["_embedded"]["assignments"]
    )
    vacant = await client.post(f"/api/v2/assignments/{slot_r}/accept", headers=assignor.headers)
    assert vacant.json()["errors"] == {"base": ["no official is assigned to this slot"]}


async def test_decline_cutoff_applies_to_officials_only(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    tomorrow = (datetime.now(UTC) + timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:00+00:00")
    game = (
        await client.post(
            f"/api/v2/sites/{site_id}/games",
            json={**GAME, "date_time": tomorrow, "is_public": True},
            headers=assignor.headers,
        )
    ).json()
    slot = game["_embedded"]["assignments"][0]["id"]
    await client.post(
        f"/api/v2/assignments/{slot}/assign",
        json={"user_id": alex.user.id},
        headers=assignor.headers,
    )
    late = await client.post(f"/api/v2/assignments/{slot}/decline", headers=alex.headers)
    assert late.status_code == 422
    assert late.json()["errors"] == {
        "base": ["can't be declined less than 36 hours before the game; contact your assignor"]
    }
    by_assignor = await client.post(f"/api/v2/assignments/{slot}/decline", headers=assignor.headers)
    assert by_assignor.status_code == 200 and by_assignor.json()["declined"] is True


async def test_pattern_change_rebuilds_slots(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    game = (
        await client.post(f"/api/v2/sites/{site_id}/games", json=GAME, headers=assignor.headers)
    ).json()
    referee_slot = game["_embedded"]["assignments"][0]["id"]
    await client.post(
        f"/api/v2/assignments/{referee_slot}/assign",
        json={"user_id": alex.user.id},
        headers=assignor.headers,
    )
    solo = await client.post(
        f"/api/v2/sites/{site_id}/patterns",
        json={"name": "Solo", "positions": ["Referee"]},
        headers=assignor.headers,
    )
    changed = await client.put(
        f"/api/v2/games/{game['id']}",
        json={"pattern_id": solo.json()["id"]},
        headers=assignor.headers,
    )
    slots = changed.json()["_embedded"]["assignments"]
    assert [(s["id"], s["official_id"], s["sort_order"]) for s in slots] == [
        (referee_slot, alex.user.id, 1)
    ]
