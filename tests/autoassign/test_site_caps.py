"""The site's default caps for the auto-assign (issue 14: "maximum games per official per
day/week (defaults from the site)"): set on the site (a refdesk extension of §16.1), used
when a request sends none, overridden by a request's own."""

from __future__ import annotations

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.support.autoassign import (
    propose,
    small_site,
    solves_end_fixture,  # noqa: F401
)


async def test_the_sites_daily_cap_is_the_default_and_a_request_overrides_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime)  # 3 officials, 2 games of 3 slots on one day
    site = f"/api/v2/sites/{desk.site_id}"
    resp = await client.patch(
        site,
        json={"site": {"auto_assign_max_games_per_day": 1, "auto_assign_max_games_per_week": 5}},
        headers=desk.assignor.headers,
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["auto_assign_max_games_per_day"] == 1
    assert resp.json()["auto_assign_max_games_per_week"] == 5

    capped = await propose(client, runtime, desk)
    assert capped["status"] == "done", capped
    assert capped["options"]["max_games_per_day"] == 1
    assert capped["options"]["max_games_per_week"] == 5
    assert capped["filled"] == 3  # one game each
    assert len({f["official_id"] for f in capped["fills"]}) == 3
    for empty in capped["empty_slots"]:
        assert {r["code"] for r in empty["ruled_out"]} >= {"C"}

    own = await propose(client, runtime, desk, max_games_per_day=2)
    assert own["options"]["max_games_per_day"] == 2
    assert own["filled"] == 6

    cleared = await client.patch(
        site, json={"auto_assign_max_games_per_day": None}, headers=desk.assignor.headers
    )
    assert cleared.status_code == 200 and cleared.json()["auto_assign_max_games_per_day"] is None
    free = await propose(client, runtime, desk)
    assert free["options"]["max_games_per_day"] is None
    assert free["filled"] == 6


DAY, WEEK = "auto_assign_max_games_per_day", "auto_assign_max_games_per_week"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (DAY, 0, "must be greater than or equal to 1"),
        (DAY, 25, "must be less than or equal to 24"),
        (WEEK, 101, "must be less than or equal to 100"),
        (WEEK, "many", "is not a number"),
    ],
)
async def test_bad_caps_are_422_and_change_nothing(
    client: httpx.AsyncClient,
    runtime: Runtime,
    field: str,
    value: object,
    message: str,
) -> None:
    desk = await small_site(client, runtime, officials=1, times=("9:00 AM",))
    site = f"/api/v2/sites/{desk.site_id}"
    body = {field: value, "name": "Renamed"}
    resp = await client.patch(site, json=body, headers=desk.assignor.headers)
    assert resp.status_code == 422, resp.text
    assert resp.json()["errors"] == {field: [message]}
    after = (await client.get(site, headers=desk.assignor.headers)).json()
    assert after["name"] != "Renamed"
    assert after["auto_assign_max_games_per_day"] is None
    assert after["auto_assign_max_games_per_week"] is None


async def test_an_official_may_not_set_the_caps(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime, officials=1, times=("9:00 AM",))
    resp = await client.patch(
        f"/api/v2/sites/{desk.site_id}",
        json={"auto_assign_max_games_per_day": 2},
        headers=desk.officials[0].headers,
    )
    assert resp.status_code == 403, resp.text
