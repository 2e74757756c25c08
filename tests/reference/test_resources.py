"""The resource contract suite (NetBox's APIViewTestCases idea): one parametrised set of checks
applied to every reference resource — create/read/list/update/delete, HAL shape, pagination,
401/402/403/404/409/422 — declared per resource below."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member, create_site


@dataclass(frozen=True)
class Resource:
    plural: str
    singular: str
    resource_type: str
    create: dict[str, Any]
    update: dict[str, Any]
    expect: dict[str, Any]  # fields of the created representation
    invalid: dict[str, Any]
    errors: dict[str, list[str]]
    versioned: bool = False
    extra_fields: tuple[str, ...] = field(default=())


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
    Resource(
        "leagues",
        "league",
        "league",
        {"name": "Harbor League"},
        {"name": "Bay League"},
        {},
        {"name": None},
        {"name": ["can't be blank"]},
    ),
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
    Resource(
        "game_types",
        "game_type",
        "game-type",
        {"name": "Regular Season"},
        {"name": "Playoffs"},
        {},
        {},
        {"name": ["can't be blank"]},
    ),
    Resource(
        "genders",
        "gender",
        "gender",
        {"name": "Boys"},
        {"name": "Girls"},
        {},
        {},
        {"name": ["can't be blank"]},
    ),
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
        {"name": "Solo", "positions": []},
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
]
IDS = [r.plural for r in RESOURCES]


@dataclass
class World:
    site_id: int
    assignor: Member
    manager: Member
    official: Member
    outsider: Member
    lapsed_assignor: Member
    lapsed_site_id: int


@pytest.fixture
async def world(runtime: Runtime) -> World:
    site = await create_site(runtime)
    other = await create_site(runtime)
    lapsed = await create_site(runtime, status="active", expires_on=date(2020, 1, 1))
    return World(
        site_id=site.id,
        assignor=await create_member(runtime, site, assignor=True, official=False),
        manager=await create_member(runtime, site, manager=True, official=False),
        official=await create_member(runtime, site),
        outsider=await create_member(runtime, other, assignor=True),
        lapsed_assignor=await create_member(runtime, lapsed, assignor=True),
        lapsed_site_id=lapsed.id,
    )


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
async def test_crud_and_hal_shape(res: Resource, client: httpx.AsyncClient, world: World) -> None:
    base = "https://testserver/api/v2"
    created = await client.post(
        f"/api/v2/sites/{world.site_id}/{res.plural}",
        json={res.singular: res.create},
        headers=world.manager.headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    record_id = body["id"]
    self_link = {
        "resource-type": res.resource_type,
        "href": f"{base}/{res.plural}/{record_id}.json",
    }
    assert body["_links"]["self"] == self_link
    assert created.headers["location"] == self_link["href"]
    assert "_embedded" not in body
    for key, value in res.expect.items():
        assert body[key] == value, key
    assert body["created"].endswith(("-05:00", "-04:00"))

    read = await client.get(f"/v2/{res.plural}/{record_id}.json", headers=world.official.headers)
    assert read.status_code == 200
    assert read.json() == body

    listed = await client.get(
        f"/api/v2/sites/{world.site_id}/{res.plural}", headers=world.official.headers
    )
    assert listed.status_code == 200
    envelope = listed.json()
    assert set(envelope) == {"page", "_links", "_embedded"}
    assert envelope["_embedded"][res.plural] == [body]
    assert envelope["page"]["records"] == 1

    updated = await client.put(
        f"/api/v2/{res.plural}/{record_id}", json=res.update, headers=world.assignor.headers
    )
    assert updated.status_code == 200, updated.text
    for key, value in res.update.items():
        if key in updated.json():
            assert updated.json()[key] == value
    if res.versioned:
        assert updated.json()["lock_version"] == 1
        stale = await client.patch(
            f"/api/v2/{res.plural}/{record_id}",
            json={"lock_version": 0, **res.update},
            headers=world.assignor.headers,
        )
        assert stale.status_code == 409
        assert stale.json()["lock_version"] == 1

    deleted = await client.delete(
        f"/api/v2/{res.plural}/{record_id}", headers=world.assignor.headers
    )
    assert deleted.status_code == 204 and deleted.content == b""
    gone = await client.get(f"/api/v2/{res.plural}/{record_id}", headers=world.assignor.headers)
    assert gone.status_code == 404 and gone.json()["error"] == "not_found"


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
async def test_errors(res: Resource, client: httpx.AsyncClient, world: World) -> None:
    site_path = f"/api/v2/sites/{world.site_id}/{res.plural}"
    anonymous = await client.get(site_path)
    assert anonymous.status_code == 401
    assert (
        await client.post(site_path, json=res.create, headers=world.official.headers)
    ).status_code == 403
    assert (await client.get(site_path, headers=world.outsider.headers)).status_code == 403
    lapsed = await client.get(
        f"/api/v2/sites/{world.lapsed_site_id}/{res.plural}", headers=world.lapsed_assignor.headers
    )
    assert lapsed.status_code == 402 and lapsed.json()["site_id"] == world.lapsed_site_id
    for bad_id in ("0", "9223372036854775808", "123456789"):
        resp = await client.get(f"/api/v2/{res.plural}/{bad_id}", headers=world.assignor.headers)
        assert resp.status_code == 404, bad_id
    invalid = await client.post(site_path, json=res.invalid, headers=world.assignor.headers)
    assert invalid.status_code == 422, invalid.text
    assert invalid.json()["errors"] == res.errors

    first = await client.post(site_path, json=res.create, headers=world.assignor.headers)
    assert first.status_code == 201
    duplicate = {**res.create, "name": res.create["name"].upper()}
    taken = await client.post(site_path, json=duplicate, headers=world.assignor.headers)
    assert taken.status_code == 422
    assert taken.json()["errors"] == {"name": ["has already been taken"]}
    record_id = first.json()["id"]
    assert (
        await client.put(
            f"/api/v2/{res.plural}/{record_id}", json=res.update, headers=world.official.headers
        )
    ).status_code == 403
    assert (
        await client.delete(f"/api/v2/{res.plural}/{record_id}", headers=world.outsider.headers)
    ).status_code == 403


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
async def test_pagination_and_name_filter(
    res: Resource, client: httpx.AsyncClient, world: World
) -> None:
    site_path = f"/api/v2/sites/{world.site_id}/{res.plural}"
    for name in ("beta", "Alpha", "gamma"):
        resp = await client.post(
            site_path, json={**res.create, "name": name}, headers=world.assignor.headers
        )
        assert resp.status_code == 201, resp.text
    page = (await client.get(f"{site_path}?limit=2", headers=world.official.headers)).json()
    assert [r["name"] for r in page["_embedded"][res.plural]] == ["Alpha", "beta"]
    assert page["page"]["pages"] == 2 and page["page"]["next_page"] == 2
    assert page["_links"]["next"]["href"].endswith(f"/{res.plural}.json?limit=2&page=2")
    filtered = (
        await client.get(f"{site_path}?search[name]=AM", headers=world.official.headers)
    ).json()
    assert [r["name"] for r in filtered["_embedded"][res.plural]] == ["gamma"]
