"""Games through HTTP (contract §16.2, §16.3)."""

from __future__ import annotations

import asyncio

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import GAME, setup_site
from tests.support.games import load_site as _site


async def test_create_read_update_delete(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    created = await client.post(
        f"/api/v2/sites/{site_id}/games", json={"game": GAME}, headers=assignor.headers
    )
    assert created.status_code == 201, created.text
    game = created.json()
    assert created.headers["location"] == game["_links"]["self"]["href"]
    assert game["start_time"] == "2026-10-11T09:00:00.000-04:00"
    assert game["end_time"] == "2026-10-11T10:00:00.000-04:00"
    assert (game["localized_date"], game["localized_time"], game["localized_end_time"]) == (
        "Oct 11 2026",
        "9:00 AM",
        "10:00 AM",
    )
    assert (game["home_team"], game["away_team"], game["pattern"]) == (
        "Hawks",
        "Falcons",
        "3 officials",
    )
    assert (game["status"], game["cancelled"], game["published"]) == ("A", False, False)
    assert game["public_note_html"] == (
        "<p>Arrive &lt;early&gt;.</p>\n\n<p>Bring flags<br />and whistle</p>"
    )
    assert game["private_note"] is None and game["time_zone"] == "America/New_York"
    assert game["assignor_id"] == assignor.user.id
    embedded = game["_embedded"]
    assert embedded["venue"]["name"] == "Riverside Park" and "zone" not in embedded
    assert embedded["assignor"]["first_name"] == "Pat"
    slots = embedded["assignments"]
    assert [(s["position"], s["position_abbreviation"], s["sort_order"]) for s in slots] == [
        ("Referee", "R", 1),
        ("Assistant Referee", "AR", 2),
        ("Assistant Referee", "AR", 3),
    ]
    assert all(s["assigned"] is False and "_embedded" not in s for s in slots)
    assert game["_links"]["unassign"]["href"].endswith(f"/games/{game['id']}/unassign.json")

    again = await client.post(
        f"/api/v2/sites/{site_id}/games",
        json={
            **GAME,
            "subvenue": "field 2",
            "home_team_name": "hawks",
            "away_team_name": "HAWKS",
            "status": "Q",
            "pattern_name": "Nope",
            "localized_time": "25pm",
        },
        headers=assignor.headers,
    )
    assert again.status_code == 422
    assert again.json()["errors"] == {
        "localized_time": ["is not a valid time"],
        "pattern_name": ["does not exist"],
        "status": ["is not included in the list"],
        "away_team_name": ["can't be the same as the home team"],
    }
    duplicate = await client.post(
        f"/api/v2/sites/{site_id}/games",
        json={**GAME, "subvenue": "FIELD 2", "user_defined_id": "G1"},
        headers=assignor.headers,
    )
    assert duplicate.json()["errors"] == {
        "base": ["A game already exists at this venue, date and time"]
    }
    missing = await client.post(f"/api/v2/sites/{site_id}/games", json={}, headers=assignor.headers)
    assert set(missing.json()["errors"]) == {
        "localized_date",
        "localized_time",
        "venue_name",
        "home_team_name",
        "away_team_name",
        "age_group_name",
        "pattern_name",
    }

    url = f"/api/v2/games/{game['id']}"
    moved = await client.patch(
        url,
        data={
            "game[localized_time]": "15:30",
            "is_public": "y",
            "user_end_time_formatted": "5:00 PM",
            "lock_version": "0",
            "external_id": "0012",
        },
        headers=assignor.headers,
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["start_time"] == "2026-10-11T15:30:00.000-04:00"
    assert body["end_time"] == "2026-10-11T17:00:00.000-04:00"
    assert body["published"] is True and body["lock_version"] == 1
    assert body["external_id"] == "0012"
    numeric = await client.put(url, json={"external_id": 99812}, headers=assignor.headers)
    assert numeric.json()["external_id"] == 99812
    stale = await client.put(url, json={"status": "X", "lock_version": 0}, headers=assignor.headers)
    assert stale.status_code == 409 and stale.json()["lock_version"] == 2
    cancelled = await client.put(url, json={"status": "c"}, headers=assignor.headers)
    assert cancelled.json()["cancelled"] is True and cancelled.json()["status"] == "C"

    assert (await client.delete(url, headers=assignor.headers)).status_code == 204
    assert (await client.get(url, headers=assignor.headers)).status_code == 404


async def test_lists_filters_and_visibility(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    ids = []
    for day, league, public in (
        ("2026-10-10", "A League", "y"),
        ("2026-10-11", "B League", "n"),
        ("2026-10-12", "A League", "y"),
    ):
        resp = await client.post(
            f"/api/v2/sites/{site_id}/games",
            json={**GAME, "localized_date": day, "league_name": league, "is_public": public},
            headers=assignor.headers,
        )
        assert resp.status_code == 201, resp.text
        ids.append(resp.json()["id"])
    url = f"/api/v2/sites/{site_id}/games"
    ranged = (
        await client.get(
            url + "?search[start_date]=10/11/2026&search[end_date]=Oct 12 2026",
            headers=assignor.headers,
        )
    ).json()
    assert [g["id"] for g in ranged["_embedded"]["games"]] == ids[1:]
    assert ranged["_links"]["self"]["href"].endswith(
        "games.json?page=1&search%5Bend_date%5D=Oct%2012%202026"
        "&search%5Bstart_date%5D=10%2F11%2F2026"
    )
    league_id = ranged["_embedded"]["games"][1]["league_id"]
    by_league = (
        await client.get(
            f"{url}?search[league_id]={league_id}&search[date_from]=x", headers=assignor.headers
        )
    ).json()
    assert [g["id"] for g in by_league["_embedded"]["games"]] == [ids[0], ids[2]]
    bad = await client.get(
        url + "?search[end_date]=13/45/2026&search[league_id]=x", headers=assignor.headers
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "search[end_date]": ["is not a valid date"],
        "search[league_id]": ["is not a number"],
    }
    site = await _site(runtime, site_id)
    official = await create_member(runtime, site)
    observer = await create_member(runtime, site, official=False, observer=True)
    assert (await client.get(url, headers=official.headers)).json()["page"]["records"] == 0
    seen = (await client.get(url, headers=observer.headers)).json()
    assert [g["id"] for g in seen["_embedded"]["games"]] == [ids[0], ids[2]]
    assert "private_note" not in seen["_embedded"]["games"][0]
    assert "unassign" not in seen["_embedded"]["games"][0]["_links"]
    hidden = await client.get(f"/api/v2/games/{ids[1]}", headers=observer.headers)
    assert hidden.status_code == 403


async def test_concurrent_game_updates_have_one_winner(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    game = (
        await client.post(f"/api/v2/sites/{site_id}/games", json=GAME, headers=assignor.headers)
    ).json()
    results = await asyncio.gather(
        *(
            client.put(
                f"/api/v2/games/{game['id']}",
                json={"subvenue": f"Field {n}", "lock_version": 0},
                headers=assignor.headers,
            )
            for n in range(5)
        )
    )
    assert sorted(r.status_code for r in results) == [200, 409, 409, 409, 409]


async def test_derived_times_follow_age_group_and_site_zone(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    a = assignor.headers
    game = (
        await client.post(
            f"/api/v2/sites/{site_id}/games", json={**GAME, "localized_time": "9:00 PM"}, headers=a
        )
    ).json()
    assert game["end_time"] == "2026-10-11T22:00:00.000-04:00"
    await client.put(
        f"/api/v2/age_groups/{game['age_group_id']}", json={"game_length": 90}, headers=a
    )
    longer = (await client.get(f"/api/v2/games/{game['id']}", headers=a)).json()
    assert longer["end_time"] == "2026-10-11T22:30:00.000-04:00"
    moved = await client.put(f"/api/v2/sites/{site_id}", json={"timezone": "UTC"}, headers=a)
    assert moved.status_code == 200
    utc = (await client.get(f"/api/v2/games/{game['id']}", headers=a)).json()
    assert utc["start_time"] == "2026-10-12T01:00:00.000+00:00"
    assert utc["localized_date"] == "Oct 12 2026"
    found = (
        await client.get(f"/api/v2/sites/{site_id}/games?search[start_date]=2026-10-12", headers=a)
    ).json()
    assert [g["id"] for g in found["_embedded"]["games"]] == [game["id"]]


async def test_date_filters_in_far_offset_zones_and_at_calendar_ends(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """The list's local-date filters are also applied to start_time, a day wider than any UTC
    offset (for the index): a game late in the evening at UTC+14 or UTC-11 is still found by
    its local date, and the first and last days of the calendar answer normally."""
    for zone, time_, utc_day in (
        ("Pacific/Kiritimati", "11:30 PM", "2026-10-11T09:30:00.000+00:00"),
        ("Pacific/Pago_Pago", "11:30 PM", "2026-10-12T10:30:00.000+00:00"),
        ("Pacific/Kiritimati", "12:15 AM", "2026-10-10T10:15:00.000+00:00"),
    ):
        site_id, assignor = await setup_site(client, runtime, timezone=zone)
        a = assignor.headers
        created = await client.post(
            f"/api/v2/sites/{site_id}/games",
            json={**GAME, "localized_time": time_},
            headers=a,
        )
        assert created.status_code == 201, created.text
        game = created.json()
        moved = await client.put(f"/api/v2/sites/{site_id}", json={"timezone": "UTC"}, headers=a)
        assert moved.status_code == 200
        assert (await client.get(f"/api/v2/games/{game['id']}", headers=a)).json()[
            "start_time"
        ] == utc_day
        await client.put(f"/api/v2/sites/{site_id}", json={"timezone": zone}, headers=a)
        url = f"/api/v2/sites/{site_id}/games"
        for query in (
            "search[start_date]=2026-10-11&search[end_date]=2026-10-11",
            "search[start_date]=2026-10-11",
            "search[end_date]=2026-10-11",
        ):
            found = (await client.get(f"{url}?{query}", headers=a)).json()
            assert [g["id"] for g in found["_embedded"]["games"]] == [game["id"]], (zone, query)
        for query in ("search[start_date]=2026-10-12", "search[end_date]=2026-10-10"):
            found = (await client.get(f"{url}?{query}", headers=a)).json()
            assert found["_embedded"]["games"] == [], (zone, query)
        for query in (
            "search[start_date]=0001-01-01&search[end_date]=9999-12-31",
            "search[start_date]=9999-12-31",
            "search[end_date]=0001-01-01",
        ):
            resp = await client.get(f"{url}?{query}", headers=a)
            assert resp.status_code in (200, 422), (query, resp.status_code, resp.text)
