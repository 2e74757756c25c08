"""Auto-assign's roles, site isolation and bad input (issue 14; contract §4, §5, §7)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from refdesk.server.autoassign.models import AutoAssignProposal
from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.autoassign import (
    propose,
    small_site,
    solves_end_fixture,  # noqa: F401
)
from tests.support.games import future_day, load_site


async def test_only_assignors_and_managers_may_auto_assign(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime)
    body = await propose(client, runtime, desk)
    url = body["_links"]["self"]["href"]
    official = desk.officials[0]
    site = await load_site(runtime, desk.site_id)
    observer = await create_member(runtime, site, official=False, observer=True)
    manager = await create_member(runtime, site, manager=True, official=False)
    dates = {"start_date": future_day(20), "end_date": future_day(20)}
    for member in (official, observer):
        for method, target, json in (
            ("POST", desk.base, dates),
            ("GET", url, None),
            ("POST", body["_links"]["apply"]["href"], None),
            ("DELETE", url, None),
        ):
            resp = await client.request(method, target, json=json, headers=member.headers)
            assert resp.status_code == 403, (method, target, resp.text)
            assert resp.json()["error"] == "forbidden"
    assert (await client.get(url, headers=manager.headers)).status_code == 200
    made = await client.post(desk.base, json=dates, headers=manager.headers)
    assert made.status_code == 202


async def test_other_sites_are_refused_and_their_proposals_are_404(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    home = await small_site(client, runtime)
    away = await small_site(client, runtime)
    theirs = await propose(client, runtime, away)
    # Another site's path: no profile there (403, §7.5).
    resp = await client.get(theirs["_links"]["self"]["href"], headers=home.assignor.headers)
    assert resp.status_code == 403
    # Their proposal's id under our site: not one of ours (404), for every method.
    url = f"{home.base}/{theirs['id']}"
    for method, target in (("GET", url), ("POST", url + "/apply"), ("DELETE", url)):
        resp = await client.request(method, target, headers=home.assignor.headers)
        assert resp.status_code == 404, (method, resp.text)
    assert (
        await client.get(f"{home.base}/99999999", headers=home.assignor.headers)
    ).status_code == 404


BLANK, NO_DATE = ["can't be blank"], ["is not a valid date"]
BAD: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
    ({}, {"start_date": BLANK, "end_date": BLANK}),
    ({"start_date": "2026-13-01", "end_date": "x"}, {"start_date": NO_DATE, "end_date": NO_DATE}),
    ({"start_date": "0001-01-01", "end_date": "9999-12-31"}, {"start_date": NO_DATE, "end_date": NO_DATE}),  # noqa: E501
    (
        {"start_date": "2027-03-10", "end_date": "2027-03-09"},
        {"end_date": ["must be on or after the start date"]},
    ),
    (
        {"start_date": "2027-01-01", "end_date": "2027-06-01"},
        {"end_date": ["must be at most 92 days after the start date"]},
    ),
    ({"fairness_weight": -1}, {"fairness_weight": ["must be greater than or equal to 0"]}),
    ({"travel_weight": 1001}, {"travel_weight": ["must be less than or equal to 1000"]}),
    ({"travel_weight": "heavy"}, {"travel_weight": ["is not a number"]}),
    ({"max_games_per_day": 0}, {"max_games_per_day": ["must be greater than or equal to 1"]}),
    ({"max_games_per_week": 1.5}, {"max_games_per_week": ["must be an integer"]}),
    ({"time_limit_seconds": 100000}, {"time_limit_seconds": ["must be less than or equal to 300"]}),
    ({"replan_pending": "maybe"}, {"replan_pending": ["is not a valid boolean"]}),
    ({"travel_speed_kmh": 0}, {"travel_speed_kmh": ["must be greater than or equal to 5"]}),
    ({"travel_buffer_minutes": 999}, {"travel_buffer_minutes": ["must be less than or equal to 240"]}),  # noqa: E501
    ({"start_date": ["2027-01-01"]}, {"start_date": ["is not a valid date"]}),
]  # fmt: skip


@pytest.mark.parametrize(("extra", "errors"), BAD)
async def test_bad_input_is_422_and_writes_nothing(
    extra: dict[str, Any], errors: dict[str, list[str]], client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime, times=())
    body = {} if not extra else {"start_date": "2027-03-01", "end_date": "2027-03-07", **extra}
    resp = await client.post(desk.base, json=body, headers=desk.assignor.headers)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"] == "validation_failed"
    assert resp.json()["errors"] == errors
    async with runtime.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(AutoAssignProposal)) == 0


async def test_non_object_bodies_are_the_contracts_400(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime, times=())
    headers = {**desk.assignor.headers, "Content-Type": "application/json"}
    for raw in (b"[1, 2]", b"{", b'"x"'):
        resp = await client.post(desk.base, content=raw, headers=headers)
        assert resp.status_code == 400, resp.text
