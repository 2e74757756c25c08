"""Issue 9, holes 5 and 11: input a client can send at the edges of numbers, dates and time
zones gets the contract's 4xx (or its answer), never a 500, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member
from tests.support.games import GAME, setup_site
from tests.support.games import load_site as _site

FAR_PAGE = "184467440737095518"  # (page - 1) * 50 is past 2**63 - 1
DIGITS = "9" * 5000  # past Python's int-conversion limit of 4,300 digits
TOO_BIG = "must be less than or equal to 9223372036854775807"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$")


async def _world(client: httpx.AsyncClient, runtime: Runtime) -> dict[str, Any]:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    official = await create_member(runtime, site)
    game = (
        await client.post(f"/api/v2/sites/{site_id}/games", json=GAME, headers=assignor.headers)
    ).json()
    slot = game["_embedded"]["assignments"][0]["id"]
    await client.post(
        f"/api/v2/assignments/{slot}/assign",
        json={"user_id": official.user.id},
        headers=assignor.headers,
    )
    return {"site": site_id, "a": assignor, "o": official, "game": game, "slot": slot}


LISTS = [
    "/api/v2/sites",
    "/api/v2/sites/{site}/games",
    "/api/v2/sites/{site}/games/unassigned",
    "/api/v2/current_account/games",
    "/api/v2/sites/{site}/venues",
    "/api/v2/sites/{site}/patterns",
    "/api/v2/sites/{site}/users",
    "/api/v2/users",
    "/api/v2/users/{official}/availability",
    "/api/v2/users/{official}/games",
    "/api/v2/games/{game}/assignments",
    "/api/v2/assignments/{slot}/candidates",
    "/api/v2/sites/{site}/game_reports",
    "/api/v2/games/{game}/game_reports",
    "/api/v2/sites/{site}/game_requests",
    "/api/v2/sites/{site}/statements",
    "/api/v2/statements",
    "/api/v2/sites/{site}/form/templates",
]


def _path(template: str, world: dict[str, Any]) -> str:
    return template.format(
        site=world["site"],
        official=world["o"].user.id,
        game=world["game"]["id"],
        slot=world["slot"],
    )


async def test_hole_5_a_page_past_64_bit_offsets_is_an_empty_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await _world(client, runtime)
    for template in LISTS:
        path = _path(template, world)
        got = await client.get(f"{path}?page={FAR_PAGE}", headers=world["a"].headers)
        assert got.status_code == 200, (path, got.text)
        body = got.json()
        assert body["page"]["current_page"] == int(FAR_PAGE) and body["page"]["next_page"] is None
        assert next(iter(body["_embedded"].values())) == []
        beyond = await client.get(f"{path}?page={2**63}", headers=world["a"].headers)
        assert beyond.status_code == 422 and beyond.json()["errors"] == {"page": [TOO_BIG]}


async def test_hole_5_integers_past_the_conversion_limit_are_422(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await _world(client, runtime)
    a, game = world["a"].headers, world["game"]
    site = world["site"]
    cases: list[tuple[str, str, dict[str, Any] | None, str]] = [
        ("PUT", f"/api/v2/games/{game['id']}", {"lock_version": DIGITS}, "lock_version"),
        ("PUT", f"/api/v2/assignments/{world['slot']}", {"lock_version": DIGITS}, "lock_version"),
        ("PUT", f"/api/v2/users/{world['o'].user.id}", {"lock_version": DIGITS}, "lock_version"),
        ("PUT", f"/api/v2/venues/{game['venue_id']}", {"lock_version": DIGITS}, "lock_version"),
        ("PUT", f"/api/v2/games/{game['id']}", {"assignor_id": DIGITS}, "assignor_id"),
        ("PUT", f"/api/v2/games/{game['id']}", {"lock_version": f"-{DIGITS}"}, "lock_version"),
        ("POST", f"/api/v2/sites/{site}/patterns", {"name": "P", "positions": [DIGITS]}, ""),
        ("POST", f"/api/v2/sites/{site}/patterns", {"name": "Q", "positions": [2**64 - 1]}, ""),
        ("GET", f"/api/v2/sites/{site}/games?search[venue_id]={DIGITS}", None, "search[venue_id]"),
        ("GET", f"/api/v2/sites/{site}/users?search[group_id]={DIGITS}", None, ""),
        ("GET", f"/api/v2/sites/{site}/games?limit={DIGITS}", None, "limit"),
        ("GET", f"/api/v2/sites/{site}/games?page={DIGITS}", None, "page"),
    ]
    for method, url, body, field in cases:
        answer = await client.request(method, url, json=body, headers=a)
        assert answer.status_code == 422, (url, body and list(body), answer.text[:200])
        if field:
            assert answer.json()["errors"][field][0].startswith("must be"), answer.text[:300]
    unchanged = await client.get(f"/api/v2/games/{game['id']}", headers=a)
    assert unchanged.json()["lock_version"] == game["lock_version"]


async def test_hole_5_odd_digits_are_text_not_numbers(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """``"²"`` passes ``str.isdigit`` but is no number: a position named so, an external id
    kept as a string (it used to break every later read of the game)."""
    world = await _world(client, runtime)
    a, game = world["a"].headers, world["game"]
    pattern = await client.post(
        f"/api/v2/sites/{world['site']}/patterns", json={"name": "P", "positions": ["²"]}, headers=a
    )
    assert pattern.status_code == 201 and pattern.json()["positions"][0]["name"] == "²"
    updated = await client.put(f"/api/v2/games/{game['id']}", json={"external_id": "²"}, headers=a)
    assert updated.status_code == 200 and updated.json()["external_id"] == "²"
    long_id = "1" * 40
    updated = await client.put(
        f"/api/v2/games/{game['id']}", json={"external_id": long_id}, headers=a
    )
    assert updated.status_code == 200 and updated.json()["external_id"] == long_id
    assert (await client.get(f"/api/v2/games/{game['id']}", headers=a)).status_code == 200


@pytest.mark.parametrize(
    ("zone", "fields", "field"),
    [
        (
            "America/New_York",
            {"localized_date": "12/31/9999", "localized_time": "11:59 PM"},
            "localized_date",
        ),
        ("UTC", {"localized_date": "9999-12-31", "localized_time": "11:59 PM"}, "localized_date"),
        (
            "Asia/Tokyo",
            {"localized_date": "01/01/0001", "localized_time": "12:00 AM"},
            "localized_date",
        ),
        (
            "America/New_York",
            {"localized_date": "0001-01-01", "localized_time": "9:00 AM"},
            "localized_date",
        ),
        ("America/New_York", {"localized_date": "12/31/1899"}, "localized_date"),
        ("Etc/GMT+12", {"localized_date": "12/29/9999"}, "localized_date"),
        ("UTC", {"date_time": "9999-12-31T23:59:00-05:00"}, "date_time"),
        ("UTC", {"date_time": "0001-01-01T00:00:00+05:00"}, "date_time"),
        ("UTC", {"date_time": "0001-01-01T00:00:00"}, "date_time"),
    ],
)
async def test_hole_5_game_dates_off_the_calendar_are_422(
    client: httpx.AsyncClient,
    runtime: Runtime,
    zone: str,
    fields: dict[str, str],
    field: str,
) -> None:
    site_id, assignor = await setup_site(client, runtime, timezone=zone)
    game = (
        await client.post(f"/api/v2/sites/{site_id}/games", json=GAME, headers=assignor.headers)
    ).json()
    created = await client.post(
        f"/api/v2/sites/{site_id}/games", json={**GAME, **fields}, headers=assignor.headers
    )
    assert created.status_code == 422, created.text
    assert created.json()["errors"] == {field: ["is not a valid date"]}
    moved = await client.put(f"/api/v2/games/{game['id']}", json=fields, headers=assignor.headers)
    assert moved.status_code == 422, moved.text
    again = await client.get(f"/api/v2/games/{game['id']}", headers=assignor.headers)
    assert again.json()["start_time"] == game["start_time"]


async def _games_at_the_edges(
    client: httpx.AsyncClient, runtime: Runtime
) -> tuple[int, Member, list[dict[str, Any]]]:
    """The first and last moments the calendar allows, in the zones furthest from UTC."""
    site_id, assignor = await setup_site(client, runtime, timezone="Etc/GMT+12")
    last = await client.post(
        f"/api/v2/sites/{site_id}/games",
        json={**GAME, "localized_date": "12/28/9999", "localized_time": "11:59 PM"},
        headers=assignor.headers,
    )
    assert last.status_code == 201, last.text
    await client.put(
        f"/api/v2/sites/{site_id}",
        json={"timezone": "Pacific/Kiritimati"},
        headers=assignor.headers,
    )
    first = await client.post(
        f"/api/v2/sites/{site_id}/games",
        json={**GAME, "date_time": "1900-01-01T00:00:00", "venue_name": "Elsewhere"},
        headers=assignor.headers,
    )
    assert first.status_code == 201, first.text
    return site_id, assignor, [first.json(), last.json()]


async def test_hole_5_games_at_the_calendar_edges_survive_zone_and_length_changes(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor, games = await _games_at_the_edges(client, runtime)
    a = assignor.headers
    longest = await client.put(
        f"/api/v2/age_groups/{games[1]['age_group_id']}", json={"game_length": 1440}, headers=a
    )
    assert longest.status_code == 200, longest.text
    for zone in ("Etc/GMT+12", "Pacific/Kiritimati", "Pacific/Niue", "Asia/Manila"):
        moved = await client.put(f"/api/v2/sites/{site_id}", json={"timezone": zone}, headers=a)
        assert moved.status_code == 200, moved.text
        listed = await client.get(f"/api/v2/sites/{site_id}/games", headers=a)
        assert listed.status_code == 200, listed.text
        for game in listed.json()["_embedded"]["games"]:
            assert TIMESTAMP.match(game["start_time"]) and TIMESTAMP.match(game["end_time"])
    kept = await client.get(f"/api/v2/games/{games[1]['id']}", headers=a)
    start = datetime.fromisoformat(kept.json()["start_time"])
    assert start == datetime(9999, 12, 29, 11, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    "query",
    [
        "search[start_date]=0001-01-01",
        "search[end_date]=9999-12-31",
        "search[start_date]=9999-12-31&search[end_date]=0001-01-01",
        "search[updated_since]=0001-01-01T00:00:00%2B05:00",
        "search[updated_since]=9999-12-31T23:59:59-05:00",
        "search[updated_since]=0001-01-01",
        "search[updated_since]=9999-12-31T23:59:59.999999",
    ],
)
async def test_hole_5_date_filters_at_the_calendar_ends_answer(
    client: httpx.AsyncClient, runtime: Runtime, query: str
) -> None:
    site_id, assignor, _ = await _games_at_the_edges(client, runtime)
    official = await create_member(runtime, await _site(runtime, site_id))
    for path, who in (
        (f"/api/v2/sites/{site_id}/games", assignor),
        ("/api/v2/current_account/games", assignor),
        (f"/api/v2/users/{official.user.id}/games", assignor),
        (f"/api/v2/users/{official.user.id}/availability", official),
        (f"/api/v2/sites/{site_id}/game_reports", assignor),
        (f"/api/v2/sites/{site_id}/statements", assignor),
    ):
        got = await client.get(f"{path}?{query}", headers=who.headers)
        assert got.status_code == 200, (path, got.text)


async def test_hole_5_updated_since_at_the_calendar_ends_filters_correctly(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor, games = await _games_at_the_edges(client, runtime)
    path = f"/api/v2/sites/{site_id}/games?search[updated_since]="
    since_ever = await client.get(path + "0001-01-01T00:00:00%2B05:00", headers=assignor.headers)
    assert since_ever.json()["page"]["records"] == len(games)
    after_all = await client.get(path + "9999-12-31T23:59:59-05:00", headers=assignor.headers)
    assert after_all.json()["page"]["records"] == 0


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules", "posix/UTC", "Mars/Base"])
async def test_hole_11_only_iana_zones_are_site_time_zones(
    client: httpx.AsyncClient, runtime: Runtime, zone: str
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    refused = await client.put(
        f"/api/v2/sites/{site_id}", json={"timezone": zone}, headers=assignor.headers
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == {"timezone": ["is invalid"]}
    for real in ("UTC", "Etc/GMT+12", "America/Argentina/Buenos_Aires", "Europe/Amsterdam"):
        fine = await client.put(
            f"/api/v2/sites/{site_id}", json={"timezone": real}, headers=assignor.headers
        )
        assert fine.status_code == 200 and fine.json()["timezone"] == real


@pytest.mark.parametrize(
    ("zone", "day", "instant"),
    [
        # Monrovia Mean Time, -0:44:30 until 1972; Amsterdam, +0:19:32 until 1937.
        ("Africa/Monrovia", "1960-05-01", datetime(1960, 5, 1, 9, 44, 30, tzinfo=UTC)),
        ("Europe/Amsterdam", "1930-01-10", datetime(1930, 1, 10, 8, 40, 28, tzinfo=UTC)),
        ("America/New_York", "1900-01-01", datetime(1900, 1, 1, 14, 0, tzinfo=UTC)),
    ],
)
async def test_hole_11_timestamps_in_local_mean_time_keep_the_contract_format(
    client: httpx.AsyncClient, runtime: Runtime, zone: str, day: str, instant: datetime
) -> None:
    """An offset of seconds has no ``±hh:mm`` form: the timestamp keeps the format of §11.2
    and names the stored instant exactly (offset rounded to the minute)."""
    site_id, assignor = await setup_site(client, runtime, timezone=zone)
    created = await client.post(
        f"/api/v2/sites/{site_id}/games",
        json={**GAME, "localized_date": day, "localized_time": "9:00 AM"},
        headers=assignor.headers,
    )
    assert created.status_code == 201, created.text
    game = created.json()
    assert game["localized_time"] == "9:00 AM"
    for key in ("start_time", "created", "updated"):
        assert TIMESTAMP.match(game[key]), game[key]
    assert datetime.fromisoformat(game["start_time"]) == instant


async def test_hole_5_upload_indexes_past_the_conversion_limit_are_not_attachments(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """A submission's upload values are ``.<key>.<n>.<part>``; an ``n`` of 5,000 digits made
    every read of the submission a 500."""
    from tests.support.forms import TEMPLATE

    world = await _world(client, runtime)
    a = world["a"].headers
    template = (
        await client.post(f"/api/v2/sites/{world['site']}/form/templates", json=TEMPLATE, headers=a)
    ).json()
    values = {".homeTeamScore": 2, ".roster.0.name": "a.pdf", f".roster.{DIGITS}.name": "b"}
    submitted = await client.post(
        f"/api/v2/form/templates/{template['id']}/submissions",
        json={"game_id": world["game"]["id"], "values": values},
        headers=a,
    )
    assert submitted.status_code == 201, submitted.text
    assert [f["name"] for f in submitted.json()["attachments"]] == ["a.pdf"]
    again = await client.get(f"/api/v2/form/submissions/{submitted.json()['id']}", headers=a)
    assert again.status_code == 200


@pytest.mark.parametrize("index", ["\u00b2", DIGITS])
async def test_hole_5_bracket_indexes_that_are_no_numbers_are_keys(
    client: httpx.AsyncClient, runtime: Runtime, index: str
) -> None:
    """``positions[0][name]`` makes a list; an "index" like ``²`` (a digit to
    ``str.isdigit``, not to ``int``) or of 5,000 digits stays an object key (was a 500)."""
    site_id, assignor = await setup_site(client, runtime)
    form = {**assignor.headers, "Content-Type": "application/x-www-form-urlencoded"}
    body = f"name=P&positions[{index}]=Referee".encode()
    created = await client.post(f"/api/v2/sites/{site_id}/patterns", content=body, headers=form)
    assert created.status_code == 422 and created.json()["errors"] == {"positions": ["is invalid"]}
    listed = await client.get(
        f"/api/v2/sites/{site_id}/games?search[{index}]=1", headers=assignor.headers
    )
    assert listed.status_code == 200, listed.text
