"""Games and assignments, as each viewer sees them (contract §16.2-§16.4)."""

from __future__ import annotations

from datetime import date

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import GAME, make_game, setup_site
from tests.support.games import load_site as _site
from tests.support.shapes import BASE, Many, assert_collection, assert_shape, get_ok, post_ok
from tests.support.tables import (
    ANSWERED_FOR_HOLDER,
    GAME_FOR_ADMIN,
    GAME_FOR_OFFICIAL,
    HELD_FOR_ADMIN,
    HELD_FOR_HOLDER,
    HELD_FOR_OTHER,
    RESPOND_ACTIONS,
    SITE_SUMMARY,
    USER_SUMMARY,
    VACANT_FOR_ADMIN,
    VACANT_FOR_OTHER,
    VENUE,
    ZONE,
)


async def test_game_and_assignments_per_viewer(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    holder = await create_member(runtime, site, first_name="Alex", last_name="Rivera")
    other = await create_member(runtime, site, first_name="Olive", last_name="Other")
    observer = await create_member(runtime, site, official=False, observer=True)
    manager = await create_member(runtime, site, official=False, manager=True)
    await client.put(
        f"/api/v2/sites/{site_id}", json={"show_all_games": "true"}, headers=assignor.headers
    )
    zone = await post_ok(
        client, f"/api/v2/sites/{site_id}/zones", assignor, {"name": "Zone C", "location": "Salem"}
    )
    assert_shape(zone, ZONE)
    venue = await post_ok(
        client,
        f"/api/v2/sites/{site_id}/venues",
        assignor,
        {
            "name": "Riverside Park",
            "street_1": "1 River Rd",
            "city": "Salem",
            "state": "MA",
            "postal": "01970",
            "country": "US",
            "latitude": 42.52,
            "longitude": -70.89,
            "zone_id": zone["id"],
        },
    )
    assert_shape(venue, VENUE)
    assert (venue["latitude"], venue["longitude"]) == (42.52, -70.89)

    # A summer (EDT, -04:00) and a winter (EST, -05:00) date in the same site, both in the future.
    year = date.today().year + 1
    game = await make_game(
        client,
        site_id,
        assignor.headers,
        localized_date=f"7/4/{year}",
        venue_name="Riverside Park",
        game_type_name="Regular Season",
        gender_name="Boys",
        user_defined_id="G-1042",
        private_note="Check lights",
        paid_via="Home team",
    )
    winter = await make_game(
        client, site_id, assignor.headers, localized_date=f"1/5/{year}", localized_time="12:30 PM"
    )
    assert game["start_time"] == f"{year}-07-04T09:00:00.000-04:00"
    assert (game["localized_date"], game["localized_time"]) == (f"Jul 4 {year}", "9:00 AM")
    assert winter["start_time"] == f"{year}-01-05T12:30:00.000-05:00"
    assert winter["end_time"] == f"{year}-01-05T13:30:00.000-05:00"
    assert (winter["localized_date"], winter["localized_end_time"]) == (f"Jan 5 {year}", "1:30 PM")

    slots = game["_embedded"]["assignments"]
    await client.put(
        f"/api/v2/age_groups/{game['age_group_id']}",
        json={
            "fees": [
                {
                    "pattern_id": game["pattern_id"],
                    "position_id": slots[0]["position_id"],
                    "amount": 45,
                }
            ]
        },
        headers=assignor.headers,
    )
    held, vacant = slots[0]["id"], slots[1]["id"]
    await post_ok(
        client, f"/api/v2/assignments/{held}/assign", assignor, {"user_id": holder.user.id}, 200
    )
    overridden = await client.put(
        f"/api/v2/assignments/{slots[2]['id']}",
        json={"official_id": other.user.id, "fee": "1234.5"},
        headers=assignor.headers,
    )
    assert overridden.status_code == 200, overridden.text

    full_embedded = {
        "venue": VENUE,
        "zone": ZONE,
        "site": SITE_SUMMARY,
        "assignor": USER_SUMMARY,
        "assignments": "array",  # mixed slot shapes, checked one by one below
    }
    admin_game = GAME_FOR_ADMIN.with_embedded(**full_embedded)
    official_game = GAME_FOR_OFFICIAL.with_embedded(**full_embedded)
    url = f"/api/v2/games/{game['id']}"
    for viewer in (assignor, manager):
        body = await get_ok(client, url, viewer)
        assert_shape(body, admin_game)
        first, second, third = body["_embedded"]["assignments"]
        assert_shape(first, HELD_FOR_ADMIN.add_links(**RESPOND_ACTIONS))
        assert_shape(second, VACANT_FOR_ADMIN)
        assert_shape(third, HELD_FOR_ADMIN.add_links(**RESPOND_ACTIONS))
        assert first["_embedded"]["fees"][0]["value"] == 45
        assert third["fee"] == 1234.5
        assert third["_embedded"]["fees"][0]["formatted"] == "$1,234.50"
        assert (body["private_note"], body["paid_via"]) == ("Check lights", "Home team")

    body = await get_ok(client, url, holder)
    assert_shape(body, official_game)
    mine, empty, theirs = body["_embedded"]["assignments"]
    assert_shape(mine, HELD_FOR_HOLDER)
    assert_shape(empty, VACANT_FOR_OTHER)
    assert_shape(theirs, HELD_FOR_OTHER)
    assert mine["_embedded"]["fees"] == [
        {
            "value": 45,
            "formatted": "$45.00",
            "currency": "USD",
            "description": "Game fee",
            "game_fees": 45,
            "travel_fees": 0,
        }
    ]
    for viewer, third_shape in ((other, HELD_FOR_HOLDER), (observer, HELD_FOR_OTHER)):
        body = await get_ok(client, url, viewer)
        assert_shape(body, official_game)
        first, second, third = body["_embedded"]["assignments"]
        assert_shape(first, HELD_FOR_OTHER)
        assert_shape(second, VACANT_FOR_OTHER)
        assert_shape(third, third_shape)

    # The holder declines: decline_reason is shown to the holder and assignors only.
    declined = await post_ok(
        client, f"/api/v2/assignments/{held}/decline", holder, {"reason": "Out of town"}, 200
    )
    assert_shape(declined, ANSWERED_FOR_HOLDER)
    assert (declined["declined"], declined["decline_reason"]) == (True, "Out of town")
    assert_shape(await get_ok(client, f"/api/v2/assignments/{held}", other), HELD_FOR_OTHER)
    assert_shape(await get_ok(client, f"/api/v2/assignments/{held}", observer), HELD_FOR_OTHER)
    assert_shape(await get_ok(client, f"/api/v2/assignments/{held}", assignor), HELD_FOR_ADMIN)
    assert_shape(await get_ok(client, f"/api/v2/assignments/{vacant}", assignor), VACANT_FOR_ADMIN)

    # Collections: a site's games (paged), a game's slots, the account's games.
    listing = await get_ok(client, f"/api/v2/sites/{site_id}/games?limit=1", assignor)
    assert_collection(listing, f"/sites/{site_id}/games", "games", admin_game, paged=True)
    assert listing["page"] == {
        "records": 2,
        "pages": 2,
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "limit": 1,
    }
    last = await get_ok(client, f"/api/v2/sites/{site_id}/games?limit=1&page=2", assignor)
    assert set(last["_links"]) == {"self", "first", "last", "prev"}
    assert all(set(link) == {"href"} for link in last["_links"].values())
    assert (
        last["_links"]["prev"]["href"] == f"{BASE}/api/v2/sites/{site_id}/games.json?limit=1&page=1"
    )
    assert (last["page"]["next_page"], last["page"]["prev_page"]) == (None, 1)
    slot_list = await get_ok(client, f"/api/v2/games/{winter['id']}/assignments", assignor)
    assert_collection(
        slot_list, f"/games/{winter['id']}/assignments", "assignments", VACANT_FOR_ADMIN
    )
    mine_list = await get_ok(client, "/api/v2/current_account/games", other)
    assert_collection(mine_list, "/current_account/games", "games", official_game)

    # A game without zone, assignor, or end time: those keys are absent / null.
    bare = await post_ok(
        client,
        f"/api/v2/sites/{site_id}/games",
        manager,
        {
            **GAME,
            "localized_date": f"3/1/{year}",
            "venue_name": "Nowhere",
            "age_group_name": "Adults",
        },
    )
    await client.put(
        f"/api/v2/age_groups/{bare['age_group_id']}",
        json={"game_length": 0},
        headers=assignor.headers,
    )
    bare = await get_ok(client, f"/api/v2/games/{bare['id']}", assignor)
    assert_shape(
        bare,
        GAME_FOR_ADMIN.with_embedded(
            venue=VENUE, site=SITE_SUMMARY, assignments=Many(VACANT_FOR_ADMIN)
        ),
    )
    assert (bare["end_time"], bare["localized_end_time"]) == (None, None)
