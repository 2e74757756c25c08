"""Reference data representations (contract §16.1)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import load_site as _site
from tests.support.games import setup_site
from tests.support.shapes import assert_collection, assert_shape, get_ok, post_ok
from tests.support.tables import VENUE, ZONE
from tests.support.tables_reference import (
    AGE_GROUP,
    GAME_TYPE,
    GENDER,
    GROUP,
    LEAGUE,
    PATTERN,
    POSITION,
    TEAM,
)


async def test_reference_data(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    member = await create_member(runtime, site)
    s = f"/api/v2/sites/{site_id}"
    league = await post_ok(client, f"{s}/leagues", assignor, {"name": "Harbor League"})
    assert_shape(league, LEAGUE)
    assert_shape(await post_ok(client, f"{s}/game_types", assignor, {"name": "Cup"}), GAME_TYPE)
    assert_shape(await post_ok(client, f"{s}/genders", assignor, {"name": "Girls"}), GENDER)
    team = await post_ok(
        client, f"{s}/teams", assignor, {"name": "Hawks", "league_id": league["id"]}
    )
    assert_shape(team, TEAM)
    group = await post_ok(
        client, f"{s}/groups", assignor, {"name": "Timekeepers", "description": "Certified"}
    )
    await client.post(
        f"/api/v2/users/{member.user.id}/groups/{group['id']}", headers=assignor.headers
    )
    group = await get_ok(client, f"/api/v2/groups/{group['id']}", member)
    assert_shape(group, GROUP)
    assert group["users_count"] == 1
    position = await post_ok(
        client, f"{s}/positions", assignor, {"name": "Fourth Official", "group_id": group["id"]}
    )
    assert_shape(position, POSITION)
    assert position["abbreviation"] == "FO"
    patterns = await get_ok(client, f"{s}/patterns", member)
    assert_collection(patterns, f"/sites/{site_id}/patterns", "patterns", PATTERN)
    pattern = patterns["_embedded"]["patterns"][0]
    assert [p["sort_order"] for p in pattern["positions"]] == [1, 2, 3]
    age_group = await post_ok(
        client,
        f"{s}/age_groups",
        assignor,
        {
            "name": "U12 Boys",
            "game_length": 90,
            "fees": [
                {
                    "pattern_id": pattern["id"],
                    "position_id": pattern["positions"][0]["position_id"],
                    "amount": "1234.5",
                },
                {
                    "pattern_id": pattern["id"],
                    "position_id": pattern["positions"][1]["position_id"],
                    "amount": 45,
                },
            ],
        },
    )
    assert_shape(age_group, AGE_GROUP)
    assert [(f["amount"], f["formatted"]) for f in age_group["fees"]] == [
        (1234.5, "$1,234.50"),
        (45, "$45.00"),
    ]
    for path, key, shape in (
        ("leagues", "leagues", LEAGUE),
        ("teams", "teams", TEAM),
        ("game_types", "game_types", GAME_TYPE),
        ("genders", "genders", GENDER),
        ("positions", "positions", POSITION),
        ("groups", "groups", GROUP),
        ("age_groups", "age_groups", AGE_GROUP),
        ("venues", "venues", VENUE),
        ("zones", "zones", ZONE),
    ):
        assert_collection(
            await get_ok(client, f"{s}/{path}", member), f"/sites/{site_id}/{path}", key, shape
        )
