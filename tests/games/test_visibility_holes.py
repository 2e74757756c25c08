"""Issue 9, holes 2 and 11: writes to a slot and a game's reports follow the visibility of
GET (contract §7.3, §7.5), checked in the order of §5 (403 at step 15 before 409 at 17)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member
from tests.support.games import GAME, setup_site
from tests.support.games import load_site as _site


async def _game_with_holder(
    client: httpx.AsyncClient, runtime: Runtime, *, published: bool
) -> tuple[dict[str, Any], Member, dict[str, Member]]:
    """A game whose first slot is held by ``holder``; the others are vacant. The site shows
    game reports to officials."""
    site_id, assignor = await setup_site(client, runtime, show_game_reports=True)
    site = await _site(runtime, site_id)
    people = {
        "holder": await create_member(runtime, site),
        "other_official": await create_member(runtime, site),
        "observer": await create_member(runtime, site, official=False, observer=True),
    }
    game = (
        await client.post(
            f"/api/v2/sites/{site_id}/games",
            json={**GAME, "is_public": published},
            headers=assignor.headers,
        )
    ).json()
    slot = game["_embedded"]["assignments"][0]["id"]
    assigned = await client.post(
        f"/api/v2/assignments/{slot}/assign",
        json={"user_id": people["holder"].user.id},
        headers=assignor.headers,
    )
    assert assigned.status_code == 200, assigned.text
    return game, assignor, people


async def _slot_state(client: httpx.AsyncClient, slot: int, assignor: Member) -> Any:
    got = await client.get(f"/api/v2/assignments/{slot}", headers=assignor.headers)
    return {k: got.json()[k] for k in ("official_id", "accepted", "declined", "lock_version")}


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize(
    ("published", "caller", "slot_index"),
    [
        (False, "holder", 0),  # unpublished: not even the holder sees the game
        (False, "other_official", 0),
        (False, "observer", 0),
        (True, "other_official", 0),  # published, but holds no slot of it
        (True, "holder", 1),  # sees the game, but this slot is not theirs
        (True, "observer", 0),  # reads published games, answers no slot
    ],
)
async def test_hole_2_edit_assignment_checks_visibility_and_holder(
    client: httpx.AsyncClient,
    runtime: Runtime,
    method: str,
    published: bool,
    caller: str,
    slot_index: int,
) -> None:
    game, assignor, people = await _game_with_holder(client, runtime, published=published)
    slot = game["_embedded"]["assignments"][slot_index]["id"]
    before = await _slot_state(client, slot, assignor)
    who = people[caller]
    for body in ({}, {"lock_version": 99}, {"accepted": True}):
        answer = await client.request(
            method, f"/api/v2/assignments/{slot}", json=body, headers=who.headers
        )
        assert answer.status_code == 403, (body, answer.text)
        assert answer.json()["error"] == "forbidden" and "_embedded" not in answer.json()
    assert await _slot_state(client, slot, assignor) == before


@pytest.mark.parametrize("action", ["accept", "decline", "confirm"])
async def test_hole_2_respond_answers_403_before_409(
    client: httpx.AsyncClient, runtime: Runtime, action: str
) -> None:
    """A stale ``lock_version`` from someone who may not answer the slot is 403, not a 409
    that reveals the slot's current ``lock_version``."""
    game, _assignor, people = await _game_with_holder(client, runtime, published=True)
    slot = game["_embedded"]["assignments"][0]["id"]
    answer = await client.post(
        f"/api/v2/assignments/{slot}/{action}",
        json={"lock_version": 99, "status": "A"},
        headers=people["other_official"].headers,
    )
    assert answer.status_code == 403, answer.text
    assert "lock_version" not in answer.json()


async def test_hole_2_confirm_answers_403_before_422(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """§5: role (step 15) before field validation (step 18), for the compatibility form."""
    game, _assignor, people = await _game_with_holder(client, runtime, published=True)
    slot = game["_embedded"]["assignments"][0]["id"]
    url = f"/api/v2/assignments/{slot}/confirm"
    foreign = await client.post(url, json={"status": "Z"}, headers=people["observer"].headers)
    assert foreign.status_code == 403, foreign.text
    own = await client.post(url, json={"status": "Z"}, headers=people["holder"].headers)
    assert own.status_code == 422
    assert own.json()["errors"] == {"status": ["is not included in the list"]}


async def test_hole_2_holder_still_answers_a_published_slot(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    game, _assignor, people = await _game_with_holder(client, runtime, published=True)
    slot = game["_embedded"]["assignments"][0]["id"]
    holder = people["holder"]
    empty = await client.patch(f"/api/v2/assignments/{slot}", json={}, headers=holder.headers)
    assert empty.status_code == 200 and empty.json()["lock_version"] == 1
    stale = await client.put(
        f"/api/v2/assignments/{slot}", json={"lock_version": 0}, headers=holder.headers
    )
    assert stale.status_code == 409 and stale.json()["lock_version"] == 1
    accepted = await client.put(
        f"/api/v2/assignments/{slot}",
        json={"accepted": True, "lock_version": 1},
        headers=holder.headers,
    )
    assert accepted.status_code == 200 and accepted.json()["accepted"] is True


@pytest.mark.parametrize("caller", ["holder", "other_official", "observer"])
async def test_hole_11_game_reports_of_an_invisible_game_are_403(
    client: httpx.AsyncClient, runtime: Runtime, caller: str
) -> None:
    game, assignor, people = await _game_with_holder(client, runtime, published=False)
    filed = await client.post(
        f"/api/v2/games/{game['id']}/game_reports", json={"text": "x"}, headers=assignor.headers
    )
    assert filed.status_code == 201, filed.text
    who = people[caller]
    seen = await client.get(f"/api/v2/games/{game['id']}", headers=who.headers)
    reports = await client.get(f"/api/v2/games/{game['id']}/game_reports", headers=who.headers)
    assert seen.status_code == 403
    assert reports.status_code == 403, reports.text
    assert reports.json()["error"] == "forbidden"
