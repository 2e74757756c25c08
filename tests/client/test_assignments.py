"""Assignment, candidate and game-request helpers (contract §16.4–§16.6), sync and async."""

from __future__ import annotations

import httpx
import pytest

from refdesk.client import Conflict, Resource, ValidationError
from refdesk.server.runtime import Runtime
from tests.support.sdk import SDK
from tests.support.world import make_world


async def test_assignment_lifecycle(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    game = await world.game(is_public=True)
    slots = game.embedded_list("assignments")
    first, second, third = (s.id for s in slots)
    official_id = world.official.user.id

    listed = await api(lambda c: c.assignments.list(game.id, limit=2))
    assert [a.id for a in listed.resources] == [first, second] and listed.records == 3
    walked = await api.collect(lambda c: c.assignments.iter(game.id, limit=2))
    assert [a.id for a in walked] == [first, second, third]

    held = await api(lambda c: c.assignments.assign(first, official_id, lock_version=0))
    assert held["official_id"] == official_id and held["assigned"] is True
    assert held["accepted"] is False and held.lock_version == 1
    with pytest.raises(Conflict):
        await api(lambda c: c.assignments.assign(first, official_id, lock_version=0))
    placed = await api(
        lambda c: c.assignments.assign_to_game(game.id, world.other.user.id, position_id=None)
    )
    assert placed.id == second
    with pytest.raises(ValidationError) as twice:
        await api(lambda c: c.assignments.assign_to_game(game.id, official_id))
    assert twice.value.errors == {"user_id": ["already holds a slot in this game"]}

    official = world.as_(sdk, world.official)
    accepted = await official(lambda c: c.assignments.accept(first))
    assert accepted["accepted"] is True
    declined = await official(lambda c: c.assignments.decline(first, reason="Out of town"))
    assert (declined["declined"], declined["decline_reason"]) == (True, "Out of town")
    confirmed = await official(lambda c: c.assignments.confirm(first, "a"))
    assert confirmed["accepted"] is True and confirmed["decline_reason"] is None
    with pytest.raises(ValidationError) as bad_status:
        await official(lambda c: c.assignments.confirm(first, "maybe"))
    assert bad_status.value.errors == {"status": ["is not included in the list"]}

    fetched = await official(lambda c: c.assignments.get(first))
    edited = await api(
        lambda c: c.assignments.update(first, {"fee": 55}, lock_version=fetched.lock_version)
    )
    assert edited["fee"] == 55
    vacated = await api(lambda c: c.assignments.unassign(second))
    assert vacated["assigned"] is False and vacated["official_id"] is None


async def test_assignment_update_with_retry(
    sdk: SDK, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    world = await make_world(sdk, runtime)
    game = await world.game(is_public=True)
    slot_id = game.embedded_list("assignments")[0].id
    url = f"/api/v2/assignments/{slot_id}"
    api = world.api

    async def interfere(request: httpx.Request) -> None:
        if request.method == "PUT" and api.wire.count("PUT", url) == 0:
            resp = await client.post(
                f"{url}/assign",
                json={"user_id": world.other.user.id},
                headers=world.assignor.headers,
            )
            assert resp.status_code == 200

    api.wire.before = interfere

    def change(current: Resource) -> dict[str, object]:
        return {"fee": 10 + (current.lock_version or 0)}

    result = await api(lambda c: c.assignments.update_with_retry(slot_id, change))
    assert result["fee"] == 11 and result["official_id"] == world.other.user.id
    assert api.wire.statuses(url) == [200, 409, 200, 200]


async def test_candidates(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    game = await world.game(is_public=True)
    slot_id = game.embedded_list("assignments")[0].id
    await api(lambda c: c.assignments.assign(slot_id, world.official.user.id))

    page = await api(lambda c: c.assignments.candidates(slot_id, limit=1))
    assert page.records == 2 and len(page.resources) == 1
    everyone = await api.collect(lambda c: c.assignments.iter_candidates(slot_id, limit=1))
    assert {c["user_id"] for c in everyone} == {world.official.user.id, world.other.user.id}
    current = [c for c in everyone if c["current"]]
    assert [c["user_id"] for c in current] == [world.official.user.id]
    name = world.other.account.last_name
    found = await api(lambda c: c.assignments.candidates(slot_id, query=name, ok=True))
    assert [c["user_id"] for c in found.resources] == [world.other.user.id]
    assert (
        found.resources[0]
        .link(
            "assign",
        )
        .endswith(f"/assignments/{slot_id}/assign.json")
    )


async def test_game_requests(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    game = await world.game(is_public=True)
    official = world.as_(sdk, world.official)
    other = world.as_(sdk, world.other)

    asked = await official(
        lambda c: c.game_requests.create(game.id, comment="Can do it", idempotency_key="rq-1")
    )
    assert asked["status"] == "pending" and asked["comment"] == "Can do it"
    assert asked.resource_type == "game-request"
    replay = await official(
        lambda c: c.game_requests.create(game.id, comment="Can do it", idempotency_key="rq-1")
    )
    assert replay.id == asked.id
    with pytest.raises(ValidationError) as again:
        await official(lambda c: c.game_requests.create(game.id))
    assert again.value.errors == {"base": ["has already been requested"]}

    theirs = await other(lambda c: c.game_requests.create(game.id))
    third_member = await world.member(runtime)
    third = await api(
        lambda c: c.game_requests.create(game.id, user_id=third_member.user.id, position_id=None)
    )
    assert third["user_id"] == third_member.user.id

    listed = await api(lambda c: c.game_requests.list(world.site_id, limit=2))
    assert listed.records == 3
    pending = await api.collect(
        lambda c: c.game_requests.iter(world.site_id, status="pending", user_id=world.other.user.id)
    )
    assert [r.id for r in pending] == [theirs.id]
    own = await official.collect(lambda c: c.game_requests.iter(world.site_id, game_id=game.id))
    assert [r.id for r in own] == [asked.id]

    approved = await api(lambda c: c.game_requests.approve(asked.id))
    assert approved["status"] == "approved" and approved["assignment_id"] is not None
    declined = await api(lambda c: c.game_requests.decline(theirs.id))
    assert declined["status"] == "declined"
    assert await api(lambda c: c.game_requests.withdraw(third.id)) is None
    withdrawn = await api(lambda c: c.game_requests.get(third.id))
    assert withdrawn["status"] == "withdrawn"
    with pytest.raises(ValidationError):
        await api(lambda c: c.game_requests.withdraw(third.id))
