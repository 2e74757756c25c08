"""Conflicts, abilities, candidates and game requests (contract §16.5, §16.6, §17.3, §17.4)."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_user
from tests.support.games import future_day, make_game, setup_site
from tests.support.games import load_site as _site


async def codes_by_user(
    client: httpx.AsyncClient, slot: int, headers: dict[str, str]
) -> dict[int, list[str]]:
    resp = await client.get(f"/api/v2/assignments/{slot}/candidates", headers=headers)
    assert resp.status_code == 200, resp.text
    return {c["user_id"]: c["conflicts"] for c in resp.json()["_embedded"]["candidates"]}


async def test_conflict_codes(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime, use_abilities=False)
    a = assignor.headers
    site = await _site(runtime, site_id)
    ready = await create_member(runtime, site, first_name="Ready", last_name="Able")
    busy = await create_member(
        runtime, site, first_name="Busy", last_name="Bee", max_games_per_day=1
    )
    fan = await create_member(runtime, site, first_name="Team", last_name="Fan")
    young = await create_member(
        runtime,
        site,
        first_name="Young",
        last_name="Kid",
        date_of_birth=date.today() - timedelta(days=365 * 12),
    )
    game = await make_game(client, site_id, a)
    day = future_day()
    for member in (ready, busy, fan, young):
        resp = await client.post(
            f"/api/v2/users/{member.user.id}/availability", json={"date": day}, headers=a
        )
        assert resp.status_code == 201
    other = await make_game(client, site_id, a, localized_time="9:30 AM", venue_name="Elsewhere")
    await client.post(
        f"/api/v2/assignments/{other['_embedded']['assignments'][0]['id']}/assign",
        json={"user_id": busy.user.id},
        headers=a,
    )
    conflict = await client.post(
        f"/api/v2/users/{fan.user.id}/conflicts",
        json={"kind": "team", "team_id": game["home_team_id"], "note": "Coaches them"},
        headers=a,
    )
    assert conflict.status_code == 201, conflict.text
    assert conflict.json()["name"] == "Hawks"
    dup = await client.post(
        f"/api/v2/users/{fan.user.id}/conflicts",
        json={"kind": "team", "team_id": game["home_team_id"]},
        headers=a,
    )
    assert dup.json()["errors"] == {"base": ["has already been taken"]}
    await client.put(
        f"/api/v2/age_groups/{game['age_group_id']}", json={"min_official_age": 16}, headers=a
    )
    unavailable = await create_member(runtime, site, first_name="No", last_name="Show")

    slot = game["_embedded"]["assignments"][0]["id"]
    codes = await codes_by_user(client, slot, a)
    assert codes[ready.user.id] == []
    assert codes[busy.user.id] == ["E", "C"]
    assert codes[fan.user.id] == ["T"]
    assert codes[young.user.id] == ["A"]
    assert codes[unavailable.user.id] == ["D"]
    listing = (
        await client.get(f"/api/v2/assignments/{slot}/candidates?search[ok]=true", headers=a)
    ).json()
    first = listing["_embedded"]["candidates"][0]
    assert first["user_id"] == ready.user.id and first["ok"] is True
    assert first["_links"]["assign"]["href"].endswith(f"/assignments/{slot}/assign.json")
    # Codes are advice: the assignor may still assign.
    forced = await client.post(
        f"/api/v2/assignments/{slot}/assign", json={"user_id": fan.user.id}, headers=a
    )
    assert forced.status_code == 200
    assert (
        await client.get(f"/api/v2/assignments/{slot}/candidates", headers=ready.headers)
    ).status_code == 403
    assert (
        await client.get(f"/api/v2/users/{fan.user.id}/conflicts", headers=fan.headers)
    ).status_code == 403


async def test_abilities_and_groups(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    a = assignor.headers
    site = await _site(runtime, site_id)
    official = await create_member(runtime, site)
    game = await make_game(client, site_id, a)
    await client.post(
        f"/api/v2/users/{official.user.id}/availability", json={"date": future_day()}, headers=a
    )
    slot = game["_embedded"]["assignments"][0]["id"]
    assert (await codes_by_user(client, slot, a))[official.user.id] == ["A"]
    referee = game["_embedded"]["assignments"][0]["position_id"]
    dup = await client.put(
        f"/api/v2/users/{official.user.id}/abilities",
        json={
            "abilities": [
                {"age_group_id": game["age_group_id"]},
                {"age_group_id": game["age_group_id"]},
            ]
        },
        headers=a,
    )
    assert dup.json()["errors"] == {"abilities": ["has duplicate entries"]}
    granted = await client.put(
        f"/api/v2/users/{official.user.id}/abilities",
        json={
            "abilities": [
                {"age_group_id": game["age_group_id"], "allowed": True},
                {"age_group_id": game["age_group_id"], "position_id": referee, "allowed": "false"},
            ]
        },
        headers=a,
    )
    assert granted.status_code == 200, granted.text
    assert [(e["position"], e["allowed"]) for e in granted.json()["abilities"]] == [
        (None, True),
        ("Referee", False),
    ]
    assert (await codes_by_user(client, slot, a))[official.user.id] == ["A"]
    ar_slot = game["_embedded"]["assignments"][1]["id"]
    assert (await codes_by_user(client, ar_slot, a))[official.user.id] == []
    group = (
        await client.post(f"/api/v2/sites/{site_id}/groups", json={"name": "AR crew"}, headers=a)
    ).json()
    ar_position = game["_embedded"]["assignments"][1]["position_id"]
    await client.put(f"/api/v2/positions/{ar_position}", json={"group_id": group["id"]}, headers=a)
    assert (await codes_by_user(client, ar_slot, a))[official.user.id] == ["G"]
    await client.post(f"/api/v2/users/{official.user.id}/groups/{group['id']}", headers=a)
    assert (await codes_by_user(client, ar_slot, a))[official.user.id] == []


async def test_external_conflict_across_sites(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(
        client, runtime, use_abilities=False, use_availability=False
    )
    other_id, other_assignor = await setup_site(client, runtime)
    official = await create_member(runtime, await _site(runtime, site_id))
    elsewhere_user = await create_user(runtime, await _site(runtime, other_id), official.account)
    game = await make_game(client, site_id, assignor.headers)
    other = await make_game(client, other_id, other_assignor.headers)
    await client.post(
        f"/api/v2/assignments/{other['_embedded']['assignments'][0]['id']}/assign",
        json={"user_id": elsewhere_user.id},
        headers=other_assignor.headers,
    )
    slot = game["_embedded"]["assignments"][0]["id"]
    assert (await codes_by_user(client, slot, assignor.headers))[official.user.id] == ["X"]


async def test_game_requests(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(
        client, runtime, use_abilities=False, use_availability=False
    )
    a = assignor.headers
    site = await _site(runtime, site_id)
    official = await create_member(runtime, site)
    game = await make_game(client, site_id, a)
    denied = await client.post(
        "/api/v2/game_requests", json={"game_id": game["id"]}, headers=official.headers
    )
    assert denied.status_code == 403
    await client.put(f"/api/v2/sites/{site_id}", json={"show_game_requests": "true"}, headers=a)
    created = await client.post(
        "/api/v2/game_requests",
        data={"game_request[game_id]": str(game["id"]), "game_request[comment]": "Can do both"},
        headers=official.headers,
    )
    assert created.status_code == 201, created.text
    request = created.json()
    assert request["status"] == "pending" and request["user_id"] == official.user.id
    assert request["_embedded"]["user"]["id"] == official.user.id
    again = await client.post(
        "/api/v2/game_requests", json={"game_id": game["id"]}, headers=official.headers
    )
    assert again.json()["errors"] == {"base": ["has already been requested"]}
    slot = game["_embedded"]["assignments"][0]["id"]
    candidates = await codes_by_user(client, slot, a)
    assert candidates[official.user.id] == ["RQ"]
    listed = (await client.get(f"/api/v2/sites/{site_id}/game_requests", headers=a)).json()
    assert [r["id"] for r in listed["_embedded"]["game_requests"]] == [request["id"]]
    approved = await client.post(f"/api/v2/game_requests/{request['id']}/approve", headers=a)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    slot_id = approved.json()["assignment_id"]
    held = (await client.get(f"/api/v2/assignments/{slot_id}", headers=official.headers)).json()
    assert held["official_id"] == official.user.id
    withdrawn = await client.delete(
        f"/api/v2/game_requests/{request['id']}", headers=official.headers
    )
    assert withdrawn.json()["errors"] == {"base": ["can only withdraw a pending request"]}

    await client.put(f"/api/v2/sites/{site_id}", json={"allow_self_assign": "true"}, headers=a)
    second = await create_member(runtime, site)
    instant = await client.post(
        "/api/v2/game_requests", json={"game_id": game["id"]}, headers=second.headers
    )
    assert instant.json()["status"] == "approved"
    slot_two = (
        await client.get(f"/api/v2/assignments/{instant.json()['assignment_id']}", headers=a)
    ).json()
    assert slot_two["official_id"] == second.user.id and slot_two["accepted"] is True
    past = await make_game(client, site_id, a, localized_date="2020-01-01")
    closed = await client.post(
        "/api/v2/game_requests", json={"game_id": past["id"]}, headers=second.headers
    )
    assert closed.json()["errors"] == {"base": ["this game has no open slot you can request"]}
