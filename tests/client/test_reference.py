"""Reference data, group membership, conflicts, abilities, availability and the user lists
through the SDK (contract §17, §18.1, §18.2), sync and async."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from refdesk.client import (
    REFERENCE_KINDS,
    Client,
    Conflict,
    NotFound,
    ReferenceData,
    ValidationError,
)
from refdesk.server.runtime import Runtime
from tests.support.sdk import SDK
from tests.support.world import make_world


def _fields(plural: str, name: str) -> dict[str, Any]:
    if plural == "patterns":
        return {"name": name, "positions": ["Referee"]}
    return {"name": name}


async def test_every_reference_kind_round_trips(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    for plural in REFERENCE_KINDS:
        created = await api(
            lambda c, p=plural: c.reference(p).create(world.site_id, _fields(p, f"Alpha {p}"))
        )
        assert created["name"] == f"Alpha {plural}" and created.resource_type, plural
        await api(lambda c, p=plural: getattr(c, p).create(world.site_id, _fields(p, "Beta")))
        page = await api(lambda c, p=plural: getattr(c, p).list(world.site_id, name="alpha"))
        assert [r.id for r in page.resources] == [created.id], plural
        walked = await api.collect(lambda c, p=plural: getattr(c, p).iter(world.site_id, limit=1))
        assert created.id in [r.id for r in walked] and len(walked) >= 2, plural
        got = await api(lambda c, p=plural, i=created.id: getattr(c, p).get(i))
        assert got.id == created.id
        renamed = await api(
            lambda c, p=plural, i=created.id: getattr(c, p).update(i, {"name": f"Gamma {p}"})
        )
        assert renamed["name"] == f"Gamma {plural}"
        with pytest.raises(ValidationError) as taken:
            await api(lambda c, p=plural: getattr(c, p).create(world.site_id, _fields(p, "beta")))
        assert taken.value.errors == {"name": ["has already been taken"]}, plural
        await api(lambda c, p=plural, i=created.id: getattr(c, p).delete(i))
        with pytest.raises(NotFound):
            await api(lambda c, p=plural, i=created.id: getattr(c, p).get(i))


async def test_reference_lookup_and_venue_lock_version(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    with pytest.raises(ValueError):
        api.client.reference("games")
    with pytest.raises(ValueError):
        ReferenceData(Client("https://x.example", token="t", environ={}), "users")
    venue = await api(lambda c: c.venues.create(world.site_id, {"name": "Riverside"}))
    moved = await api(lambda c: c.venues.update(venue.id, {"city": "Salem"}, lock_version=0))
    assert moved["city"] == "Salem" and moved.lock_version == 1
    with pytest.raises(Conflict):
        await api(lambda c: c.venues.update(venue.id, {"city": "Lynn"}, lock_version=0))


async def test_group_membership(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    group = await api(lambda c: c.groups.create(world.site_id, {"name": "Timekeepers"}))
    other = await api(lambda c: c.groups.create(world.site_id, {"name": "Assessors"}))
    user_id = world.official.user.id
    added = await api(lambda c: c.groups.add_user(group.id, user_id))
    assert added.id == group.id and added["users_count"] == 1
    await api(lambda c: c.groups.add_user(group.id, user_id))  # already a member: no change
    await api(lambda c: c.groups.add_user(other.id, user_id))
    await api(lambda c: c.groups.add_user(group.id, world.other.user.id))

    members = await api(lambda c: c.groups.users(group.id, limit=1))
    assert members.records == 2 and len(members.resources) == 1
    every = await api.collect(lambda c: c.groups.iter_users(group.id, limit=1))
    assert {u.id for u in every} == {user_id, world.other.user.id}
    theirs = await api(lambda c: c.groups.for_user(user_id))
    assert [g["name"] for g in theirs.resources] == ["Assessors", "Timekeepers"]
    assert await api(lambda c: c.groups.remove_user(other.id, user_id)) is None
    left = await api.collect(lambda c: c.groups.iter_for_user(user_id))
    assert [g.id for g in left] == [group.id]
    filtered = await api(lambda c: c.users.list(world.site_id, group_id=group.id))
    assert {u.id for u in filtered.resources} == {user_id, world.other.user.id}


async def test_conflicts_and_abilities(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    user_id = world.official.user.id
    team = await api(lambda c: c.teams.create(world.site_id, {"name": "Hawks"}))
    conflict = await api(
        lambda c: c.conflicts.create(user_id, {"kind": "team", "team_id": team.id, "note": "Dad"})
    )
    assert (conflict["kind"], conflict["name"], conflict["note"]) == ("team", "Hawks", "Dad")
    person = await api(
        lambda c: c.conflicts.create(
            user_id, {"kind": "official", "other_user_id": world.other.user.id}
        )
    )
    with pytest.raises(ValidationError):
        await api(lambda c: c.conflicts.create(user_id, {"kind": "team", "team_id": team.id}))
    page = await api(lambda c: c.conflicts.list(user_id, limit=1))
    assert page.records == 2
    every = await api.collect(lambda c: c.conflicts.iter(user_id, limit=1))
    assert {c.id for c in every} == {conflict.id, person.id}
    assert await api(lambda c: c.conflicts.delete(user_id, person.id)) is None
    assert [c.id for c in (await api(lambda c: c.conflicts.list(user_id))).resources] == [
        conflict.id
    ]

    age = await api(lambda c: c.age_groups.create(world.site_id, {"name": "U12"}))
    none_yet = await api(lambda c: c.abilities.get(user_id))
    assert none_yet["user_id"] == user_id and none_yet["abilities"] == []
    granted = await api(
        lambda c: c.abilities.replace(user_id, [{"age_group_id": age.id, "allowed": True}])
    )
    assert [(a["age_group"], a["allowed"]) for a in granted["abilities"]] == [("U12", True)]
    with pytest.raises(ValidationError) as dup:
        await api(
            lambda c: c.abilities.replace(user_id, [{"age_group_id": age.id, "allowed": True}] * 2)
        )
    assert dup.value.errors == {"abilities": ["has duplicate entries"]}


async def test_availability(sdk: SDK, runtime: Runtime, client: httpx.AsyncClient) -> None:
    world = await make_world(sdk, runtime)
    user_id = world.official.user.id
    me = world.as_(sdk, world.official)
    all_day = await me(lambda c: c.availability.create(user_id, {"date": "2031-10-02"}))
    assert all_day["all_day"] == "true" and "start_time" not in all_day
    window = await me(
        lambda c: c.availability.create(
            user_id, {"date": date(2031, 10, 3), "start_time": "8:00 AM", "end_time": "11:00 AM"}
        )
    )
    assert window["description"] == "8a-11a"
    late = await me(lambda c: c.availability.create(user_id, {"date": "2031-11-01"}))

    page = await me(lambda c: c.availability.list(user_id, limit=2))
    assert [e.id for e in page.resources] == [all_day.id, window.id] and page.records == 3
    ranged = await world.api.collect(
        lambda c: c.availability.iter(user_id, start_date="2031-10-03", end_date=date(2031, 10, 31))
    )
    assert [e.id for e in ranged] == [window.id]
    got = await me(lambda c: c.availability.get(user_id, late.id))
    assert got["date"] == "2031-11-01"
    changed = await me(
        lambda c: c.availability.update(user_id, late.id, {"description": "free"}, lock_version=0)
    )
    assert changed["description"] == "free" and changed.lock_version == 1
    with pytest.raises(Conflict):
        await me(lambda c: c.availability.update(user_id, late.id, {}, lock_version=0))

    url = f"/api/v2/users/{user_id}/availability/{late.id}"

    fired: list[bool] = []

    async def interfere(request: httpx.Request) -> None:
        if request.method == "PUT" and not fired:
            fired.append(True)
            resp = await client.put(
                url, json={"description": "theirs"}, headers=world.official.headers
            )
            assert resp.status_code == 200

    me.wire.before = interfere
    retried = await me(
        lambda c: c.availability.update_with_retry(user_id, late.id, {"date": "2031-11-02"})
    )
    assert retried["date"] == "2031-11-02" and retried["description"] == "theirs"
    assert me.wire.statuses(url)[-4:] == [200, 409, 200, 200]
    me.wire.before = None

    assert await me(lambda c: c.availability.delete(user_id, late.id)) is None
    with pytest.raises(NotFound):
        await me(lambda c: c.availability.get(user_id, late.id))


async def test_user_lists_create_and_activation(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    created = await api(
        lambda c: c.users.create(
            world.site_id,
            {"first_name": "Robin", "last_name": "Quill", "email": "robin@example.org"},
            idempotency_key="user-1",
        )
    )
    assert created["first_name"] == "Robin"
    found = await api(lambda c: c.users.list(world.site_id, query="quill"))
    assert [u.id for u in found.resources] == [created.id]
    officials = await api.collect(lambda c: c.users.iter(world.site_id, official=True, limit=1))
    assert {u.id for u in officials} >= {world.official.user.id, world.other.user.id}
    everywhere = await api.collect(lambda c: c.users.iter(site_id=world.site_id, limit=2))
    assert created.id in {u.id for u in everywhere}
    across = await api(lambda c: c.users.list(limit=50))
    assert created.id in {u.id for u in across.resources}

    off = await api(lambda c: c.users.deactivate(created.id))
    assert off["active"] == "false"
    inactive = await api(lambda c: c.users.list(world.site_id, status="inactive"))
    assert [u.id for u in inactive.resources] == [created.id]
    on = await api(lambda c: c.users.activate(created.id))
    assert on["active"] == "true"
