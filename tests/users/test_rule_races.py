"""Issue 9 hole 3: the site-level user rules of §17.1 (unique official names, the official
limit, the last active assignor) under concurrent writes. PostgreSQL only
(tests/support/races.py)."""

from __future__ import annotations

import asyncio

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.races import postgresql_only

pytestmark = postgresql_only

N = 6
SAME_NAME = "First and last name are already used by another official of this site"


async def test_hole_3_officials_renamed_to_one_name_at_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    officials = [await create_member(runtime, site) for _ in range(N)]
    responses = await asyncio.gather(
        *(
            client.put(
                f"/api/v2/users/{o.user.id}",
                json={"first_name": "Sam", "last_name": "Lee"},
                headers=assignor.headers,
            )
            for o in officials
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [422] * (N - 1), [r.text for r in responses]
    assert all(
        r.json()["errors"] == {"base": [SAME_NAME]} for r in responses if r.status_code == 422
    )


async def test_hole_3_activations_at_once_stay_within_the_official_limit(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime, official_limit=3)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    await create_member(runtime, site)
    idle = [await create_member(runtime, site, active=False) for _ in range(N)]
    responses = await asyncio.gather(
        *(
            client.post(f"/api/v2/users/{o.user.id}/activate", headers=assignor.headers)
            for o in idle
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 2 + [422] * (N - 2), [r.text for r in responses]
    for loser in (r for r in responses if r.status_code == 422):
        assert loser.json()["errors"] == {
            "official": ["exceeds the official limit of this site's plan"]
        }


async def test_hole_3_two_assignors_demoting_each_other_leave_one(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    for _ in range(3):
        site = await create_site(runtime)
        first = await create_member(runtime, site, assignor=True, official=False)
        second = await create_member(runtime, site, assignor=True, official=False)
        responses = await asyncio.gather(
            client.put(
                f"/api/v2/users/{second.user.id}", json={"assignor": "false"}, headers=first.headers
            ),
            client.put(
                f"/api/v2/users/{first.user.id}", json={"assignor": "false"}, headers=second.headers
            ),
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses[0] == 200 and statuses[1] in (403, 422), [r.text for r in responses]
        # The caller whose demotion of the other went through is the assignor left.
        winner = first if responses[0].status_code == 200 else second
        users = await client.get(f"/api/v2/sites/{site.id}/users", headers=winner.headers)
        assert users.status_code == 200, users.text
        assert [u["assignor"] for u in users.json()["_embedded"]["users"]].count("true") == 1
