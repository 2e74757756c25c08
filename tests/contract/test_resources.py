"""The resource contract suite (NetBox's APIViewTestCases idea): one parametrised set of checks
— create/read/list/update/delete, HAL shape, pagination, 401/402/403/404/409/422 — applied to
every resource by declaring its paths and sample data below.

Paths use ``{site}`` (the world's site), ``{official}`` (a user of it) and ``{id}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member, create_site

GAME = {
    "localized_date": "10/11/2030",
    "localized_time": "9:00 AM",
    "venue_name": "Park",
    "home_team_name": "Hawks",
    "away_team_name": "Falcons",
    "age_group_name": "U12",
    "pattern_name": "Solo",
}


@dataclass(frozen=True)
class Resource:
    plural: str  # collection key
    singular: str  # body key
    resource_type: str
    create: dict[str, Any]
    update: dict[str, Any]
    expect: dict[str, Any]  # members of the created representation
    invalid: dict[str, Any]
    errors: dict[str, list[str]]
    collection: str = "/sites/{site}/{plural}"
    item: str = "/{plural}/{id}"
    creator: str = "manager"  # a role allowed to create
    forbidden: str = "official"  # a member role that may not create
    named: bool = True  # name unique per site, search[name] filter, ordered by name
    versioned: bool = False
    deletable: bool = True


def _named(plural: str, singular: str, resource_type: str, first: str, second: str) -> Resource:
    return Resource(
        plural,
        singular,
        resource_type,
        {"name": first},
        {"name": second},
        {},
        {},
        {"name": ["can't be blank"]},
    )


RESOURCES = [
    Resource(
        "venues",
        "venue",
        "venue",
        {
            "name": "Riverside Park",
            "address": "1 River Rd",
            "zip": "01970",
            "latitude": "42.52",
            "longitude": -70.89,
            "country": "us",
        },
        {"city": "Salem", "state": "MA"},
        {
            "street_1": "1 River Rd",
            "postal": "01970",
            "latitude": 42.52,
            "longitude": -70.89,
            "country": "US",
            "lock_version": 0,
            "zone_id": None,
        },
        {"name": "", "latitude": 91, "zone_id": 999999},
        {
            "name": ["can't be blank"],
            "latitude": ["must be less than or equal to 90"],
            "zone_id": ["does not exist"],
        },
        versioned=True,
    ),
    Resource(
        "zones",
        "zone",
        "zone",
        {"name": "Zone C", "location": "Seattle, WA"},
        {"location": "Tacoma"},
        {"location": "Seattle, WA"},
        {"name": "x" * 91},
        {"name": ["is too long (maximum is 90 characters)"]},
    ),
    Resource(
        "age_groups",
        "age_group",
        "age-group",
        {"name": "U12 Boys", "game_length": "90", "min_official_age": 16},
        {"game_length": 80},
        {"game_length": 90, "min_official_age": 16, "fees": []},
        {"game_length": 2000, "min_official_age": "old"},
        {
            "name": ["can't be blank"],
            "game_length": ["must be less than or equal to 1440"],
            "min_official_age": ["is not a number"],
        },
    ),
    _named("leagues", "league", "league", "Harbor League", "Bay League"),
    Resource(
        "teams",
        "team",
        "team",
        {"name": "Hawks"},
        {"name": "Falcons"},
        {"league_id": None},
        {"league_id": "abc"},
        {"name": ["can't be blank"], "league_id": ["is not a number"]},
    ),
    _named("game_types", "game_type", "game-type", "Regular Season", "Playoffs"),
    _named("genders", "gender", "gender", "Boys", "Girls"),
    Resource(
        "positions",
        "position",
        "position",
        {"name": "Assistant Referee"},
        {"abbreviation": "AR1"},
        {"abbreviation": "AR", "group_id": None},
        {"name": "Ref", "abbreviation": "x" * 11},
        {"abbreviation": ["is too long (maximum is 10 characters)"]},
    ),
    Resource(
        "patterns",
        "pattern",
        "pattern",
        {
            "name": "3 officials",
            "positions": ["Referee", {"name": "Assistant Referee"}, "Assistant Referee"],
        },
        {"name": "Three"},
        {},
        {"name": "Trio", "positions": []},
        {"positions": ["can't be blank"]},
    ),
    Resource(
        "groups",
        "group",
        "group",
        {"name": "Timekeepers", "description": "Certified"},
        {"description": None},
        {"description": "Certified", "users_count": 0},
        {"description": "d" * 256},
        {"name": ["can't be blank"], "description": ["is too long (maximum is 255 characters)"]},
    ),
    Resource(
        "games",
        "game",
        "game",
        GAME,
        {"subvenue": "Field 2", "is_public": "y"},
        {"home_team": "Hawks", "published": False, "status": "A", "lock_version": 0},
        {**GAME, "localized_time": "noonish", "status": "Z"},
        {"localized_time": ["is not a valid time"], "status": ["is not included in the list"]},
        named=False,
        versioned=True,
    ),
    Resource(
        "users",
        "user",
        "user",
        {"first_name": "Alex", "last_name": "Rivera", "email": "alex@example.org"},
        {"mobile_phone": "(111) 222-3333"},
        {"official": "true", "assignor": "false", "email_addresses": ["alex@example.org"]},
        {"first_name": "Al", "last_name": "", "email": "nope"},
        {"last_name": ["can't be blank"], "email": ["is invalid"]},
        named=False,
        versioned=True,
        deletable=False,
    ),
    Resource(
        "availability",
        "availability",
        "availability",
        {"date": "2030-02-10", "start_time": "8am", "end_time": "11am"},
        {"end_time": "12:00 PM"},
        {"all_day": "false", "start_time": "8:00 AM"},
        {"date": "02/30/2030"},
        {"date": ["is not a valid date"]},
        collection="/users/{official}/availability",
        item="/users/{official}/availability/{id}",
        creator="assignor",
        forbidden="manager",
        named=False,
        versioned=True,
    ),
    Resource(
        "form_templates",
        "form_template",
        "form-template",
        {"name": "Report", "fields": [{"template_key": "score", "type": "number"}]},
        {"active": False},
        {"active": True, "mappings": {}},
        {"name": "Report", "fields": []},
        {"fields": ["can't be blank"]},
        collection="/sites/{site}/form/templates",
        item="/form/templates/{id}",
        named=False,
    ),
]
IDS = [r.plural for r in RESOURCES]


@dataclass
class World:
    site_id: int
    lapsed_site_id: int
    members: dict[str, Member]

    def path(self, template: str, res: Resource, record_id: Any = "", lapsed: bool = False) -> str:
        official = self.members["lapsed" if lapsed else "official"].user.id
        return "/api/v2" + template.format(
            site=self.lapsed_site_id if lapsed else self.site_id,
            plural=res.plural,
            official=official,
            id=record_id,
        )


@pytest.fixture
async def world(client: httpx.AsyncClient, runtime: Runtime) -> World:
    site = await create_site(runtime)
    other = await create_site(runtime)
    lapsed = await create_site(runtime, status="active", expires_on=date(2020, 1, 1))
    members = {
        "assignor": await create_member(runtime, site, assignor=True, official=False),
        "manager": await create_member(runtime, site, manager=True, official=False),
        "official": await create_member(runtime, site),
        "outsider": await create_member(runtime, other, assignor=True),
        "lapsed": await create_member(runtime, lapsed, assignor=True),
    }
    await client.post(
        f"/api/v2/sites/{site.id}/patterns",
        json={"name": "Solo", "positions": ["Referee"]},
        headers=members["assignor"].headers,
    )
    return World(site.id, lapsed.id, members)


def headers(world: World, role: str) -> dict[str, str]:
    return world.members[role].headers


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
async def test_crud_and_hal_shape(res: Resource, client: httpx.AsyncClient, world: World) -> None:
    collection_path = world.path(res.collection, res)
    created = await client.post(
        collection_path, json={res.singular: res.create}, headers=headers(world, res.creator)
    )
    assert created.status_code == 201, created.text
    body = created.json()
    record_id = body["id"]
    href = "https://testserver" + world.path(res.item, res, record_id) + ".json"
    assert body["_links"]["self"] == {"resource-type": res.resource_type, "href": href}
    assert created.headers["location"] == href
    for key, value in res.expect.items():
        assert body[key] == value, key
    assert body["created"].endswith(("-05:00", "-04:00"))

    item = world.path(res.item, res, record_id)
    read = await client.get(
        item.replace("/api/v2/", "/v2/") + ".json", headers=headers(world, "assignor")
    )
    assert read.status_code == 200
    assert read.json() == body

    listed = await client.get(collection_path, headers=headers(world, "assignor"))
    assert listed.status_code == 200
    envelope = listed.json()
    assert set(envelope) == {"page", "_links", "_embedded"}
    assert body["id"] in [r["id"] for r in envelope["_embedded"][res.plural]]
    assert set(envelope["page"]) == {
        "records",
        "pages",
        "current_page",
        "next_page",
        "prev_page",
        "limit",
    }

    updated = await client.put(item, json=res.update, headers=headers(world, "assignor"))
    assert updated.status_code == 200, updated.text
    if res.versioned:
        assert updated.json()["lock_version"] == 1
        stale = await client.patch(
            item, json={"lock_version": 0, **res.update}, headers=headers(world, "assignor")
        )
        assert stale.status_code == 409
        assert stale.json()["lock_version"] == 1

    deleted = await client.delete(item, headers=headers(world, "assignor"))
    if not res.deletable:
        assert deleted.status_code == 405 and "DELETE" not in deleted.headers["allow"]
        return
    assert deleted.status_code == 204 and deleted.content == b""
    gone = await client.get(item, headers=headers(world, "assignor"))
    assert gone.status_code == 404 and gone.json()["error"] == "not_found"


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
async def test_errors(res: Resource, client: httpx.AsyncClient, world: World) -> None:
    collection_path = world.path(res.collection, res)
    anonymous = await client.get(collection_path)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="refdesk"'
    assert (
        await client.post(collection_path, json=res.create, headers=headers(world, res.forbidden))
    ).status_code == 403
    assert (
        await client.get(collection_path, headers=headers(world, "outsider"))
    ).status_code == 403
    lapsed = await client.get(
        world.path(res.collection, res, lapsed=True), headers=headers(world, "lapsed")
    )
    assert lapsed.status_code == 402 and lapsed.json()["site_id"] == world.lapsed_site_id
    for bad_id in ("0", "9223372036854775808", "123456789"):
        resp = await client.get(
            world.path(res.item, res, bad_id), headers=headers(world, "assignor")
        )
        assert resp.status_code == 404, bad_id
    invalid = await client.post(
        collection_path, json=res.invalid, headers=headers(world, "assignor")
    )
    assert invalid.status_code == 422, invalid.text
    assert invalid.json()["errors"] == res.errors

    first = await client.post(collection_path, json=res.create, headers=headers(world, "assignor"))
    assert first.status_code == 201
    record = world.path(res.item, res, first.json()["id"])
    if res.named:
        duplicate = {**res.create, "name": res.create["name"].upper()}
        taken = await client.post(
            collection_path, json=duplicate, headers=headers(world, "assignor")
        )
        assert taken.status_code == 422
        assert taken.json()["errors"] == {"name": ["has already been taken"]}
    assert (
        await client.put(record, json=res.update, headers=headers(world, "outsider"))
    ).status_code == 403
    bad_lock = await client.put(
        record, json={"lock_version": "x", **res.update}, headers=headers(world, "assignor")
    )
    assert bad_lock.status_code == (422 if res.versioned else 200)


@pytest.mark.parametrize("res", [r for r in RESOURCES if r.named], ids=lambda r: r.plural)
async def test_pagination_and_name_filter(
    res: Resource, client: httpx.AsyncClient, world: World
) -> None:
    collection_path = world.path(res.collection, res)
    for name in ("beta", "Alpha", "gamma"):
        resp = await client.post(
            collection_path, json={**res.create, "name": name}, headers=headers(world, "assignor")
        )
        assert resp.status_code == 201, resp.text
    page = (
        await client.get(f"{collection_path}?limit=2", headers=headers(world, "official"))
    ).json()
    names = [r["name"] for r in page["_embedded"][res.plural]]
    assert names[:2] == sorted(names[:2], key=str.lower) and len(names) == 2
    assert page["page"]["next_page"] == 2
    assert page["_links"]["next"]["href"].endswith(f"{res.plural}.json?limit=2&page=2")
    filtered = (
        await client.get(f"{collection_path}?search[name]=AM", headers=headers(world, "official"))
    ).json()
    assert [r["name"] for r in filtered["_embedded"][res.plural]] == ["gamma"]
