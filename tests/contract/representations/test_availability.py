"""Availability representations (contract §17.2)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import load_site as _site
from tests.support.games import setup_site
from tests.support.shapes import assert_collection, assert_shape, get_ok, post_ok
from tests.support.tables import AVAILABILITY_ALL_DAY, AVAILABILITY_WINDOW


async def test_availability(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    url = f"/api/v2/users/{alex.user.id}/availability"
    all_day = await post_ok(client, url, alex, {"date": "2/10/2024"})
    assert_shape(all_day, AVAILABILITY_ALL_DAY)
    assert (all_day["date"], all_day["all_day"], all_day["description"]) == (
        "2024-02-10",
        "true",
        "all day",
    )
    window = await post_ok(
        client, url, alex, {"date": "2024-07-04", "start_time": "8:00", "end_time": "23:30"}
    )
    assert_shape(window, AVAILABILITY_WINDOW)
    assert (window["start_time"], window["end_time"], window["all_day"]) == (
        "8:00 AM",
        "11:30 PM",
        "false",
    )
    listed = await get_ok(client, url, assignor)
    assert_collection(listed, url.removeprefix("/api/v2"), "availability", "array")
    items = listed["_embedded"]["availability"]
    assert_shape(items[0], AVAILABILITY_ALL_DAY)
    assert_shape(items[1], AVAILABILITY_WINDOW)
    assert listed["page"]["limit"] == 200
