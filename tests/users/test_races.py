"""Issue 9 hole 3: users, conflicts, abilities and groups under concurrent writes.

PostgreSQL only (see tests/support/races.py): there the concurrent requests really interleave.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.games import GAME, setup_site
from tests.support.games import load_site as _site
from tests.support.races import postgresql_only

pytestmark = postgresql_only

N = 8


def _statuses(responses: Any) -> list[int]:
    return sorted(r.status_code for r in responses)


async def test_hole_3_identical_official_conflicts_are_created_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    fan = await create_member(runtime, site)
    game = (
        await client.post(f"/api/v2/sites/{site_id}/games", json=GAME, headers=assignor.headers)
    ).json()
    url = f"/api/v2/users/{fan.user.id}/conflicts"
    for body in (
        {"kind": "team", "team_id": game["home_team_id"]},
        {"kind": "venue", "venue_id": game["venue_id"]},
    ):
        responses = await asyncio.gather(
            *(client.post(url, json=body, headers=assignor.headers) for _ in range(N))
        )
        assert _statuses(responses) == [201] + [422] * (N - 1), [r.text for r in responses]
        for loser in (r for r in responses if r.status_code == 422):
            assert loser.json()["errors"] == {"base": ["has already been taken"]}
    listed = (await client.get(url, headers=assignor.headers)).json()
    assert [c["kind"] for c in listed["_embedded"]["conflicts"]] == ["team", "venue"]


async def test_hole_3_concurrent_ability_replacements_leave_one_list(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """PUT replaces the whole list: concurrent PUTs apply one after the other, so the stored
    list is exactly one of them (before: the union, with duplicate entries)."""
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    official = await create_member(runtime, site)
    game = (
        await client.post(f"/api/v2/sites/{site_id}/games", json=GAME, headers=assignor.headers)
    ).json()
    age, referee = game["age_group_id"], game["_embedded"]["assignments"][0]["position_id"]
    url = f"/api/v2/users/{official.user.id}/abilities"
    lists = [
        [
            {"age_group_id": age, "allowed": n % 2 == 0},
            {"age_group_id": age, "position_id": referee},
        ]
        for n in range(N)
    ]
    responses = await asyncio.gather(
        *(client.put(url, json={"abilities": e}, headers=assignor.headers) for e in lists)
    )
    assert _statuses(responses) == [200] * N, [r.text for r in responses]
    stored = (await client.get(url, headers=assignor.headers)).json()["abilities"]
    assert [(a["age_group_id"], a["position_id"]) for a in stored] == [(age, None), (age, referee)]


async def test_hole_3_concurrent_group_adds_make_one_membership(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    official = await create_member(runtime, site)
    group = (
        await client.post(
            f"/api/v2/sites/{site.id}/groups", json={"name": "Crew"}, headers=assignor.headers
        )
    ).json()
    url = f"/api/v2/users/{official.user.id}/groups/{group['id']}"
    responses = await asyncio.gather(
        *(client.post(url, headers=assignor.headers) for _ in range(N))
    )
    assert _statuses(responses) == [200] * N, [r.text for r in responses]
    members = (
        await client.get(f"/api/v2/groups/{group['id']}/users", headers=assignor.headers)
    ).json()
    assert [u["id"] for u in members["_embedded"]["users"]] == [official.user.id]


async def test_hole_3_one_email_added_by_two_sites_at_once_links_one_account(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Each site creates a user for a new e-mail at the same moment: both get 201 and the
    two users share one account (sequentially the second links to the first's account)."""
    for n in range(3):
        sites = [await create_site(runtime) for _ in range(4)]
        admins = [
            await create_member(runtime, site, assignor=True, official=False) for site in sites
        ]
        email = f"shared{n}@example.org"
        responses = await asyncio.gather(
            *(
                client.post(
                    f"/api/v2/sites/{site.id}/users",
                    json={"first_name": "Sam", "last_name": "Lee", "email": email},
                    headers=admin.headers,
                )
                for site, admin in zip(sites, admins, strict=True)
            )
        )
        assert _statuses(responses) == [201] * len(sites), [r.text for r in responses]
        assert len({r.json()["account_id"] for r in responses}) == 1


async def test_hole_3_one_email_added_twice_to_one_site_is_taken(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    responses = await asyncio.gather(
        *(
            client.post(
                f"/api/v2/sites/{site.id}/users",
                json={"first_name": f"Sam{n}", "last_name": "Lee", "email": "sam@example.org"},
                headers=assignor.headers,
            )
            for n in range(N)
        )
    )
    assert _statuses(responses) == [201] + [422] * (N - 1), [r.text for r in responses]
    for loser in (r for r in responses if r.status_code == 422):
        assert loser.json()["errors"] == {"email": ["has already been taken"]}
