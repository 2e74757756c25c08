"""Weekly availability through the SDK (``client.availability.weekly``), sync and async."""

from __future__ import annotations

from datetime import date, time

import pytest

from refdesk.client import ValidationError
from refdesk.server.runtime import Runtime
from tests.support.sdk import SDK
from tests.support.world import make_world


async def test_weekly_apply_reapply_and_errors(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    user_id = world.official.user.id
    me = world.as_(sdk, world.official)
    window = (time(8), time(14))
    applied = await me(
        lambda c: c.availability.weekly(
            user_id, ["sat", "sun"], date(2031, 3, 1), "2031-03-16", window=window
        )
    )
    days = [e["date"] for e in applied.embedded_list("availability")]
    assert days == [
        "2031-03-01",
        "2031-03-02",
        "2031-03-08",
        "2031-03-09",
        "2031-03-15",
        "2031-03-16",
    ]
    assert {e["description"] for e in applied.embedded_list("availability")} == {"8a-2p"}
    assert (applied["created"], applied["kept"]) == (6, 0)
    listed = await me(lambda c: c.availability.list(user_id, start_date="2031-03-01"))
    assert [e.id for e in listed.resources] == [e.id for e in applied.embedded_list("availability")]

    again = await world.api(
        lambda c: c.availability.weekly(
            user_id, "sat,sun", "2031-03-01", "2031-03-16", window=("8:00 AM", "2:00 PM")
        )
    )
    assert (again["created"], again["deleted"], again["kept"]) == (0, 0, 6)

    cleared = await me(
        lambda c: c.availability.weekly(
            user_id, ["sun"], "2031-03-01", "2031-03-16", available=False, mode="replace"
        )
    )
    assert (cleared["deleted"], cleared.embedded_list("availability")) == (3, [])

    with pytest.raises(ValidationError) as bad:
        await me(
            lambda c: c.availability.weekly(
                user_id, ["someday"], "2031-03-01", "2031-02-01", description="x"
            )
        )
    assert bad.value.errors == {"days": ["is not included in the list"]}
