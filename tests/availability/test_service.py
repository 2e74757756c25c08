"""The availability service with typed inputs, against a real session (no HTTP)."""

from __future__ import annotations

from datetime import date, time, timedelta

import httpx
import pytest

from refdesk.server.availability import service
from refdesk.server.availability.schemas import (
    AvailabilityWrite,
    parse_availability,
    parse_availability_query,
)
from refdesk.server.days import RelativeDay
from refdesk.server.errors import ValidationFailed
from refdesk.server.inputs import UNSET
from refdesk.server.runtime import Runtime
from refdesk.server.sites.rules import site_today
from tests.factories import create_member, create_site
from tests.support.services import principal_of


def test_parsing_keeps_relative_days_and_never_raises() -> None:
    write = parse_availability({"date": "Tomorrow", "start_time": "9am", "all_day": "maybe"})
    assert write.date == RelativeDay(1) and write.start_time is UNSET
    assert write.problems == (("all_day", "is not a valid boolean"),)
    timed = parse_availability({"date": "2024-02-10", "end_time": "noon-ish"})
    assert timed.all_day is False
    assert timed.problems == (("end_time", "is not a valid time"),)
    assert parse_availability({"all_day": "yes", "start_time": "junk"}).problems == ()
    query = parse_availability_query({"limit": "500", "search": {"start_date": "today"}})
    assert query.start_date == RelativeDay(0)
    assert query.problems == (("limit", "must be less than or equal to 200"),)


async def test_all_day_and_time_range_entries(runtime: Runtime) -> None:
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    principal = principal_of(official)
    async with runtime.db.transaction() as session:
        all_day, _ = await service.create_entry(
            session, principal, official.user.id, AvailabilityWrite(date=date(2024, 2, 10))
        )
        window, _ = await service.create_entry(
            session,
            principal,
            official.user.id,
            AvailabilityWrite(date=RelativeDay(1), start_time=time(8), end_time=time(11)),
        )
    assert (all_day.all_day, all_day.start_time, all_day.description) == (True, None, "all day")
    tomorrow = site_today(site).date() + timedelta(days=1)
    assert (window.all_day, window.date, window.description) == (False, tomorrow, "8a-11a")

    async with runtime.db.transaction() as session:
        moved, _ = await service.update_entry(
            session,
            principal,
            official.user.id,
            window.id,
            AvailabilityWrite(end_time=time(17, 30), lock_version=0),
        )
        assert (moved.start_time, moved.description, moved.lock_version) == (time(8), "8a-5:30p", 1)
        with pytest.raises(ValidationFailed) as backwards:
            await service.update_entry(
                session, principal, official.user.id, window.id, AvailabilityWrite(end_time=time(7))
            )
    assert backwards.value.errors == {"end_time": ["is invalid"]}

    async with runtime.db.transaction() as session:
        _, _, entries, total, page = await service.list_entries(
            session, principal, official.user.id, parse_availability_query({})
        )
    assert total == 2 and page.limit == 200 and [e.id for e in entries] == [all_day.id, window.id]


async def test_a_bad_time_gives_the_wire_s_message(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    body = {"date": "2024-02-10", "start_time": "25:00", "end_time": ""}
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_entry(
                session, principal_of(official), official.user.id, parse_availability(body)
            )
    assert caught.value.errors == {
        "start_time": ["is not a valid time"],
        "end_time": ["can't be blank"],
    }
    response = await client.post(
        f"/api/v2/users/{official.user.id}/availability", json=body, headers=official.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"] == caught.value.errors
    assert response.json()["message"] == caught.value.message


async def test_an_invalid_lock_version_is_reported_alone(runtime: Runtime) -> None:
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    principal = principal_of(official)
    async with runtime.db.transaction() as session:
        entry, _ = await service.create_entry(
            session, principal, official.user.id, parse_availability({"date": "2024-03-01"})
        )
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.update_entry(
                session,
                principal,
                official.user.id,
                entry.id,
                parse_availability({"lock_version": "one", "date": "nope"}),
            )
    assert caught.value.errors == {"lock_version": ["is not a number"]}
