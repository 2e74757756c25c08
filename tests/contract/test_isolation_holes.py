"""Regression tests for the holes the site-isolation property test
(tests/contract/test_site_isolation.py) found, through HTTP."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from refdesk.server.reference.models import GroupMembership
from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.games import GAME, future_day


async def test_hole_1_confirm_resolves_the_slot_before_reading_status(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """``/assignments/{id}/confirm`` validated ``status`` before resolving the slot: a slot of
    another site (or none at all) answered 422 instead of 403 (404)."""
    site, other = await create_site(runtime), await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True)
    outsider = await create_member(runtime, other, assignor=True)
    await client.post(
        f"/api/v2/sites/{site.id}/patterns",
        json={"name": "3 officials", "positions": ["R"]},
        headers=assignor.headers,
    )
    game = await client.post(
        f"/api/v2/sites/{site.id}/games",
        json={**GAME, "localized_date": future_day(30)},
        headers=assignor.headers,
    )
    slot = game.json()["_embedded"]["assignments"][0]["id"]
    for method in ("POST", "PUT"):
        foreign = await client.request(
            method, f"/api/v2/assignments/{slot}/confirm", json={}, headers=outsider.headers
        )
        assert foreign.status_code == 403, foreign.text
        missing = await client.request(
            method, "/api/v2/assignments/999999/confirm", json={}, headers=outsider.headers
        )
        assert missing.status_code == 404, missing.text
    own = await client.post(
        f"/api/v2/assignments/{slot}/confirm", json={}, headers=assignor.headers
    )
    assert own.json()["errors"] == {"status": ["is not included in the list"]}


async def test_hole_2_group_of_another_site_in_the_path_is_403(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """``/users/{user_id}/groups/{group_id}`` resolved only the user: a group of a site where
    the caller has no profile answered 422 ``does not exist`` instead of 403 (§7.5)."""
    site, other = await create_site(runtime), await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True)
    official = await create_member(runtime, site)
    outsider = await create_member(runtime, other, assignor=True)
    group = await client.post(
        f"/api/v2/sites/{other.id}/groups", json={"name": "Theirs"}, headers=outsider.headers
    )
    url = f"/api/v2/users/{official.user.id}/groups/{group.json()['id']}"
    for method in ("POST", "DELETE"):
        resp = await client.request(method, url, headers=assignor.headers)
        assert resp.status_code == 403, resp.text
    async with runtime.db.transaction() as session:
        assert (await session.scalar(select(func.count()).select_from(GroupMembership))) == 0
