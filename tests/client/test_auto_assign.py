"""Auto-assign through the SDK (issue 14), sync and async: ``client.auto_assign``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from refdesk.client import NotFound, ValidationError
from refdesk.server.autoassign.jobs import jobs_of
from refdesk.server.runtime import Runtime
from tests.support.autoassign import slot_ids, small_site
from tests.support.games import future_day
from tests.support.sdk import SDK


async def test_create_wait_apply_discard(
    sdk: SDK, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    desk = await small_site(client, runtime)
    api = sdk(token=desk.assignor.token)
    day = future_day(20)
    created = await api(lambda c: c.auto_assign.create(desk.site_id, day, day, travel_weight=2))
    assert created["status"] == "queued" and created["options"]["travel_weight"] == 2
    seen: list[str] = []

    def progress(proposal: Any) -> None:
        seen.append(proposal["status"])

    done = await api(
        lambda c: c.auto_assign.wait(created, progress=progress, interval=0.05, max_seconds=60)
    )
    assert done["status"] == "done" and seen[-1] == "done"
    assert {f["assignment_id"] for f in done["fills"]} == set(slot_ids(desk))
    again = await api(lambda c: c.auto_assign.get(done["id"], desk.site_id))
    assert again["fills"] == done["fills"]
    applied = await api(lambda c: c.auto_assign.apply(done))
    assert sorted(applied["applied"]["applied"]) == sorted(slot_ids(desk))
    with pytest.raises(ValidationError):
        await api(lambda c: c.auto_assign.apply(done["id"], desk.site_id))
    await api(lambda c: c.auto_assign.discard(done))
    with pytest.raises(NotFound):
        await api(lambda c: c.auto_assign.get(done))
    await jobs_of(runtime).drain()


async def test_bad_range_is_a_validation_error(
    sdk: SDK, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    desk = await small_site(client, runtime, times=())
    api = sdk(token=desk.assignor.token)
    with pytest.raises(ValidationError) as raised:
        await api(lambda c: c.auto_assign.create(desk.site_id, "2027-02-02", "2027-02-01"))
    assert raised.value.errors == {"end_date": ["must be on or after the start date"]}
