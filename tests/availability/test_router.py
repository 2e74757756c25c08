"""Availability through HTTP (contract §17.2)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site


async def test_entries_permissions_and_shapes(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    manager = await create_member(runtime, site, manager=True, official=False)
    official = await create_member(runtime, site)
    other = await create_member(runtime, site)
    url = f"/api/v2/users/{official.user.id}/availability"

    empty = await client.get(url, headers=official.headers)
    assert empty.status_code == 200
    assert empty.json()["_embedded"]["availability"] == []
    assert empty.json()["page"]["limit"] == 200

    window = await client.post(
        url,
        json={"availability": {"date": "02/10/2024", "start_time": "8am", "end_time": "11:00"}},
        headers=official.headers,
    )
    assert window.status_code == 201, window.text
    body = window.json()
    assert body["date"] == "2024-02-10" and body["all_day"] == "false"
    assert (body["start_time"], body["end_time"]) == ("8:00 AM", "11:00 AM")
    assert body["description"] == "8a-11a" and body["lock_version"] == 0
    assert body["_links"]["self"] == {
        "resource-type": "availability",
        "href": f"https://testserver/api/v2/users/{official.user.id}/availability/{body['id']}.json",
    }
    all_day = await client.post(url, data={"date": "2024-02-10"}, headers=assignor.headers)
    assert all_day.status_code == 201
    assert all_day.json()["all_day"] == "true" and "start_time" not in all_day.json()
    assert all_day.json()["description"] == "all day"
    late = await client.post(
        url,
        json={"date": "Feb 11 2024", "start_time": "5:30 p.m.", "end_time": "9 PM"},
        headers=official.headers,
    )
    assert late.json()["description"] == "5:30p-9p"

    listed = (
        await client.get(
            url + "?search[start_date]=2024-02-10&search[end_date]=2/10/2024&user_id=1",
            headers=manager.headers,
        )
    ).json()
    assert [e["all_day"] for e in listed["_embedded"]["availability"]] == ["true", "false"]
    assert listed["_links"]["self"]["href"].endswith(
        "availability.json?page=1&search%5Bend_date%5D=2%2F10%2F2024"
        "&search%5Bstart_date%5D=2024-02-10"
    )
    bad_filter = await client.get(url + "?search[start_date]=someday", headers=official.headers)
    assert bad_filter.json()["errors"] == {"search[start_date]": ["is not a valid date"]}
    assert (await client.get(url + "?limit=201", headers=official.headers)).status_code == 422

    invalid = await client.post(
        url, json={"start_time": "25:00", "end_time": "7am"}, headers=official.headers
    )
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == {
        "date": ["can't be blank"],
        "start_time": ["is not a valid time"],
    }
    backwards = await client.post(
        url,
        json={"date": "today", "start_time": "9am", "end_time": "8am"},
        headers=official.headers,
    )
    assert backwards.json()["errors"] == {"end_time": ["is invalid"]}

    entry = f"{url}/{body['id']}"
    assert (
        await client.put(entry, json={"end_time": "noon"}, headers=manager.headers)
    ).status_code == 403
    assert (await client.get(url, headers=other.headers)).status_code == 403
    moved = await client.patch(
        entry, json={"end_time": "12:30 PM", "lock_version": 0}, headers=official.headers
    )
    assert moved.status_code == 200
    assert moved.json()["end_time"] == "12:30 PM" and moved.json()["description"] == "8a-12:30p"
    stale = await client.patch(
        entry, json={"end_time": "1 PM", "lock_version": 0}, headers=official.headers
    )
    assert stale.status_code == 409 and stale.json()["lock_version"] == 1
    foreign = f"/api/v2/users/{other.user.id}/availability/{body['id']}"
    assert (await client.get(foreign, headers=assignor.headers)).status_code == 404
    assert (await client.delete(entry, headers=official.headers)).status_code == 204
    assert (await client.get(entry, headers=official.headers)).status_code == 404

    not_official = await client.post(
        f"/api/v2/users/{manager.user.id}/availability",
        json={"date": "2024-02-10"},
        headers=assignor.headers,
    )
    assert not_official.status_code == 422
    assert not_official.json()["errors"] == {"base": ["only officials can have availability"]}


async def test_list_pages_bounds_and_totals(client: httpx.AsyncClient, runtime: Runtime) -> None:
    """The list's prebuilt statements: each date bound alone, a full page (the total is
    counted), and a page far past the end (offset up to 2**63 - 1) answer 200, never a 500."""
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    url = f"/api/v2/users/{official.user.id}/availability"
    for day in ("02/10/2024", "02/11/2024", "02/12/2024"):
        made = await client.post(url, json={"date": day}, headers=official.headers)
        assert made.status_code == 201, made.text

    def dates(response: httpx.Response) -> list[str]:
        assert response.status_code == 200, response.text
        return [e["date"] for e in response.json()["_embedded"]["availability"]]

    since = await client.get(url + "?search[start_date]=2024-02-11", headers=official.headers)
    assert dates(since) == ["2024-02-11", "2024-02-12"]
    until = await client.get(url + "?search[end_date]=2024-02-11", headers=official.headers)
    assert dates(until) == ["2024-02-10", "2024-02-11"]
    full = await client.get(url + "?limit=2", headers=official.headers)
    assert dates(full) == ["2024-02-10", "2024-02-11"]
    assert full.json()["page"]["records"] == 3
    far = await client.get(url + f"?page={2**62}&limit=2", headers=official.headers)
    assert dates(far) == []
    assert far.json()["page"]["records"] == 3  # an empty page past the start: counted
