"""Conflicts, abilities, candidates and game requests (contract §16.5, §16.6, §17.3, §17.4)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import load_site as _site
from tests.support.games import make_game, setup_site
from tests.support.shapes import Link, assert_collection, assert_shape, get_ok, post_ok
from tests.support.tables_reference import ABILITIES, CANDIDATE, GAME_REQUEST, conflict


async def test_officials_candidates_and_requests(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime, show_game_requests=True)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site, first_name="Alex", last_name="Rivera")
    pal = await create_member(runtime, site, first_name="Pal", last_name="Friend")
    game = await make_game(client, site_id, assignor.headers)
    users = f"/api/v2/users/{alex.user.id}"
    for kind, id_field, value in (
        ("team", "team_id", game["home_team_id"]),
        ("league", "league_id", game["league_id"]),
        ("venue", "venue_id", game["venue_id"]),
        ("official", "other_user_id", pal.user.id),
    ):
        made = await post_ok(
            client, f"{users}/conflicts", assignor, {"kind": kind, id_field: value, "note": "x"}
        )
        assert_shape(made, conflict(id_field))
    listed = await get_ok(client, f"{users}/conflicts", assignor)
    for item in listed["_embedded"]["conflicts"]:
        id_field = {"team": "team_id", "league": "league_id", "venue": "venue_id"}.get(
            item["kind"], "other_user_id"
        )
        assert_shape(item, conflict(id_field))

    position_id = game["_embedded"]["assignments"][0]["position_id"]
    put = await client.put(
        f"{users}/abilities",
        json={
            "abilities": [
                {"age_group_id": game["age_group_id"], "allowed": True},
                {
                    "age_group_id": game["age_group_id"],
                    "position_id": position_id,
                    "allowed": False,
                },
            ]
        },
        headers=assignor.headers,
    )
    assert put.status_code == 200, put.text
    assert_shape(put.json(), ABILITIES)
    abilities = await get_ok(client, f"{users}/abilities", assignor)
    assert_shape(abilities, ABILITIES)
    assert [a["position"] for a in abilities["abilities"]] == [None, "Referee"]

    slot = game["_embedded"]["assignments"][1]["id"]
    request = await post_ok(
        client, "/api/v2/game_requests", alex, {"game_id": game["id"], "comment": "Both games"}
    )
    assert_shape(request, GAME_REQUEST)
    candidates = await get_ok(client, f"/api/v2/assignments/{slot}/candidates", assignor)
    assert_collection(candidates, f"/assignments/{slot}/candidates", "candidates", CANDIDATE)
    mine = next(c for c in candidates["_embedded"]["candidates"] if c["user_id"] == alex.user.id)
    assert mine["requested"] is True and "RQ" in mine["conflicts"]

    approved = await post_ok(
        client, f"/api/v2/game_requests/{request['id']}/approve", assignor, {}, 200
    )
    assert_shape(
        approved,
        GAME_REQUEST.add_links(assignment=Link("assignment", "/assignments/{assignment_id}")),
    )
    assert approved["status"] == "approved"
    assert_collection(
        await get_ok(client, f"/api/v2/sites/{site_id}/game_requests", alex),
        f"/sites/{site_id}/game_requests",
        "game_requests",
        GAME_REQUEST.add_links(assignment=Link("assignment", "/assignments/{assignment_id}")),
    )
