"""User representations and their private fields (contract §17.1)."""

from __future__ import annotations

from datetime import date

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import load_site as _site
from tests.support.games import setup_site
from tests.support.shapes import assert_collection, assert_shape, get_ok, post_ok
from tests.support.tables import USER


async def test_users_and_private_fields(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    alex = await create_member(
        runtime,
        site,
        first_name="Alex",
        last_name="Rivera",
        street1="1 Main St",
        city="Salem",
        date_of_birth=date(1990, 5, 17),
        max_games_per_day=3,
    )
    created = await post_ok(
        client,
        f"/api/v2/sites/{site_id}/users",
        assignor,
        {"first_name": "Sam", "last_name": "Lee", "email": "sam@example.org", "mi": "J"},
    )
    assert_shape(created, USER)
    # The user itself and assignors/managers see the address and date of birth. §7.3 lets no
    # other caller read a full user representation, so the "omitted" case has no viewer.
    for viewer in (assignor, alex):
        body = await get_ok(client, f"/api/v2/users/{alex.user.id}", viewer)
        assert_shape(body, USER)
        assert body["date_of_birth"] == "1990-05-17"
        assert (body["official"], body["assignor"], body["active"]) == ("true", "false", "true")
    assert_collection(
        await get_ok(client, f"/api/v2/sites/{site_id}/users", assignor),
        f"/sites/{site_id}/users",
        "users",
        USER,
    )
    assert_collection(
        await get_ok(client, "/api/v2/current_account/users", alex),
        "/current_account/users",
        "users",
        USER,
    )
