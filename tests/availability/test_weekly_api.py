"""``POST /api/v2/users/{user_id}/availability/weekly`` (refdesk extension) and its service."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from refdesk.server.availability import recurring, service
from refdesk.server.availability.schemas import parse_weekly
from refdesk.server.errors import ValidationFailed
from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.events import events_after, last_event_id
from tests.support.services import principal_of

SATURDAYS = {
    "days": ["sat"],
    "start_time": "8:00 AM",
    "end_time": "2:00 PM",
    "start_date": "2027-01-01",
    "end_date": "2027-01-31",
}
SAT_DATES = ["2027-01-02", "2027-01-09", "2027-01-16", "2027-01-23", "2027-01-30"]


def weekly_url(user_id: int) -> str:
    return f"/api/v2/users/{user_id}/availability/weekly"


async def listed(client: httpx.AsyncClient, user_id: int, headers: dict[str, str]) -> list[Any]:
    response = await client.get(f"/api/v2/users/{user_id}/availability", headers=headers)
    assert response.status_code == 200
    return [
        (e["date"], e["all_day"], e.get("start_time"), e.get("end_time"), e["description"])
        for e in response.json()["_embedded"]["availability"]
    ]


async def test_apply_replaces_days_and_reapplying_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    uid = official.user.id
    base = f"/api/v2/users/{uid}/availability"
    old_saturday = await client.post(base, json={"date": "2027-01-09"}, headers=official.headers)
    friday = await client.post(base, json={"date": "2027-01-08"}, headers=official.headers)
    same = await client.post(
        base,
        json={"date": "2027-01-16", "start_time": "8am", "end_time": "2pm", "description": "mine"},
        headers=official.headers,
    )
    mark = await last_event_id(runtime)

    applied = await client.post(
        weekly_url(uid), json={"weekly": SATURDAYS}, headers=official.headers
    )
    assert applied.status_code == 200, applied.text
    body = applied.json()
    assert (body["created"], body["deleted"], body["kept"]) == (4, 1, 1)
    assert (body["start_date"], body["end_date"], body["user_id"]) == (
        "2027-01-01",
        "2027-01-31",
        uid,
    )
    assert body["_links"]["self"]["href"] == (
        f"https://testserver{base}.json?search%5Bend_date%5D=2027-01-31"
        "&search%5Bstart_date%5D=2027-01-01"
    )
    entries = body["_embedded"]["availability"]
    assert [e["date"] for e in entries] == SAT_DATES
    assert {(e["start_time"], e["end_time"], e["all_day"]) for e in entries} == {
        ("8:00 AM", "2:00 PM", "false")
    }
    assert entries[2]["id"] == same.json()["id"] and entries[2]["description"] == "mine"
    assert entries[0]["description"] == "8a-2p"
    rows = await listed(client, uid, official.headers)
    assert ("2027-01-08", "true", None, None, "all day") in rows  # a Friday: untouched
    assert len(rows) == 6 and [r[0] for r in rows if r[0] != "2027-01-08"] == SAT_DATES

    # One availability.changed per entry written, with the entry's id and date.
    events = await events_after(runtime, mark)
    assert [(e[0], e[4]["action"], e[4]["date"]) for e in events] == [
        ("availability.changed", "created", "2027-01-02"),
        ("availability.changed", "deleted", "2027-01-09"),
        ("availability.changed", "created", "2027-01-09"),
        ("availability.changed", "created", "2027-01-23"),
        ("availability.changed", "created", "2027-01-30"),
    ]
    assert events[1][2] == old_saturday.json()["id"]
    assert {e[2] for e in events if e[4]["action"] == "created"} == {
        e["id"] for e in entries if e["id"] != same.json()["id"]
    }
    assert all(e[4]["user_id"] == uid for e in events)

    mark = await last_event_id(runtime)
    again = await client.post(weekly_url(uid), json=SATURDAYS, headers=official.headers)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["deleted"], again.json()["kept"]) == (0, 0, 5)
    assert [e["id"] for e in again.json()["_embedded"]["availability"]] == [
        e["id"] for e in entries
    ]
    assert await events_after(runtime, mark) == []
    assert len(await listed(client, uid, official.headers)) == 6
    assert friday.status_code == 201


async def test_merge_all_day_and_unavailable(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    official = await create_member(runtime, site)
    uid = official.user.id
    base = f"/api/v2/users/{uid}/availability"
    await client.post(base, json={"date": "2027-01-02"}, headers=official.headers)

    merged = await client.post(
        weekly_url(uid), json={**SATURDAYS, "mode": "merge"}, headers=assignor.headers
    )
    assert (merged.json()["created"], merged.json()["deleted"]) == (5, 0)
    first_day = [e["all_day"] for e in merged.json()["_embedded"]["availability"][:2]]
    assert first_day == ["true", "false"]  # the all-day entry of Jan 2 stays, listed first

    sundays = await client.post(
        weekly_url(uid),
        data={
            "days": "sun,Saturday",
            "start_date": "2027-01-02",
            "end_date": "2027-01-03",
            "description": "weekend",
        },
        headers=official.headers,
    )
    assert sundays.status_code == 200, sundays.text
    assert (sundays.json()["created"], sundays.json()["deleted"], sundays.json()["kept"]) == (
        1,
        1,
        1,
    )
    assert [
        (e["date"], e["all_day"], e["description"])
        for e in sundays.json()["_embedded"]["availability"]
    ] == [
        ("2027-01-02", "true", "weekend"),
        ("2027-01-03", "true", "weekend"),
    ]

    cleared = await client.post(
        weekly_url(uid),
        json={
            "days": ["sat"],
            "available": "false",
            "start_date": "2027-01-02",
            "end_date": "2027-01-16",
        },
        headers=official.headers,
    )
    assert cleared.status_code == 200
    assert (cleared.json()["created"], cleared.json()["deleted"]) == (0, 3)
    assert cleared.json()["_embedded"]["availability"] == []
    rows = await listed(client, uid, official.headers)
    assert [r[0] for r in rows] == ["2027-01-03", "2027-01-23", "2027-01-30"]


async def test_access_order_and_roles(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    manager = await create_member(runtime, site, manager=True, official=False)
    official = await create_member(runtime, site)
    other = await create_member(runtime, site)
    bad = {"days": ["someday"]}
    assert (
        await client.post(weekly_url(999999), json=bad, headers=official.headers)
    ).status_code == 404
    for who in (manager, other):
        refused = await client.post(weekly_url(official.user.id), json=bad, headers=who.headers)
        assert refused.status_code == 403, refused.text
    not_official = await client.post(weekly_url(manager.user.id), json=bad, headers=manager.headers)
    assert not_official.status_code == 422
    assert not_official.json()["errors"] == {"base": ["only officials can have availability"]}
    read_only = await create_member(runtime, site, scopes="read")
    assert (
        await client.post(weekly_url(read_only.user.id), json=SATURDAYS, headers=read_only.headers)
    ).status_code == 403

    lapsed = await create_site(runtime, expires_on=date(2020, 1, 1))
    lapsed_official = await create_member(runtime, lapsed)
    answer = await client.post(
        weekly_url(lapsed_official.user.id), json=bad, headers=lapsed_official.headers
    )
    assert answer.status_code == 402 and answer.json()["site_id"] == lapsed.id


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {},
            {
                "days": ["can't be blank"],
                "start_date": ["can't be blank"],
                "end_date": ["can't be blank"],
            },
        ),
        (
            {**SATURDAYS, "days": ["sat", "someday"], "start_date": "soon"},
            {"days": ["is not included in the list"], "start_date": ["is not a valid date"]},
        ),
        ({**SATURDAYS, "days": 6}, {"days": ["is invalid"]}),
        ({**SATURDAYS, "end_time": "7am"}, {"end_time": ["is invalid"]}),
        ({**SATURDAYS, "end_time": ""}, {"end_time": ["can't be blank"]}),
        ({**SATURDAYS, "start_time": "25:00"}, {"start_time": ["is not a valid time"]}),
        ({**SATURDAYS, "end_date": "2026-12-31"}, {"end_date": ["is invalid"]}),
        ({**SATURDAYS, "end_date": "2028-01-02"}, {"end_date": ["is invalid"]}),  # 367 days
        ({**SATURDAYS, "available": "false"}, {"available": ["is invalid"]}),
        ({**SATURDAYS, "available": "maybe"}, {"available": ["is not a valid boolean"]}),
        ({**SATURDAYS, "mode": "append"}, {"mode": ["is not included in the list"]}),
        (
            {**SATURDAYS, "description": "x" * 256},
            {"description": ["is too long (maximum is 255 characters)"]},
        ),
    ],
)
async def test_validation(
    body: dict[str, Any], errors: dict[str, list[str]], client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    mark = await last_event_id(runtime)
    response = await client.post(weekly_url(official.user.id), json=body, headers=official.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == errors
    assert await listed(client, official.user.id, official.headers) == []
    assert await events_after(runtime, mark) == []


async def test_the_longest_span_is_accepted(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    body = {**SATURDAYS, "days": "mon", "end_date": "2027-12-31"}  # 365 days
    response = await client.post(weekly_url(official.user.id), json=body, headers=official.headers)
    assert response.status_code == 200 and response.json()["created"] == 52


async def test_a_bad_day_rolls_back_every_day(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third date fails after two were written and one entry deleted: the request's one
    transaction rolls back, so entries and events are as before."""
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    uid = official.user.id
    kept = await client.post(
        f"/api/v2/users/{uid}/availability", json={"date": "2027-01-09"}, headers=official.headers
    )
    before = await listed(client, uid, official.headers)
    mark = await last_event_id(runtime)
    real_add = service.add_entry
    calls: list[date] = []

    async def add_failing_on_the_third_day(*args: Any) -> Any:
        calls.append(args[-1]["date"])
        if len(calls) == 3:
            raise ValidationFailed({"date": ["is invalid"]})
        return await real_add(*args)

    monkeypatch.setattr(service, "add_entry", add_failing_on_the_third_day)
    response = await client.post(weekly_url(uid), json=SATURDAYS, headers=official.headers)
    assert response.status_code == 422 and len(calls) == 3
    monkeypatch.undo()
    assert await listed(client, uid, official.headers) == before
    assert before[0][0] == "2027-01-09" and kept.status_code == 201
    assert await events_after(runtime, mark) == []


async def test_the_service_with_typed_input(runtime: Runtime) -> None:
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    write = parse_weekly({"days": ["sat"], "start_date": "today", "end_date": "today"})
    assert write.problems == () and write.all_day and write.mode == "replace"
    async with runtime.db.transaction() as session:
        result = await recurring.apply_weekly(
            session, principal_of(official), official.user.id, write
        )
    assert result.start == result.until
    assert result.created == (1 if result.start.weekday() == 5 else 0)
    with pytest.raises(ValidationFailed) as caught:
        async with runtime.db.transaction() as session:
            await recurring.apply_weekly(
                session, principal_of(official), official.user.id, parse_weekly({"days": "fri"})
            )
    assert caught.value.errors == {"start_date": ["can't be blank"], "end_date": ["can't be blank"]}
