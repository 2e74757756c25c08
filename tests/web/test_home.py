"""The signed-in home page: the official's upcoming games by day in the site's time zone, the
site switcher, and the layout around them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.web.home import day_label
from tests.factories import create_account, create_site, create_user
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import official_with_games, signed_in_client


def days_and_games(html: str) -> list[tuple[str, list[str]]]:
    """``[(day heading, ["9:00 AM Home 1 vs Away 1", ...]), ...]`` in page order."""
    found: list[tuple[str, list[str]]] = []
    for heading, items in re.findall(
        r'<h3 class="day">([^<]+)</h3>\s*<ul class="games">(.*?)</ul>', html, re.S
    ):
        games = [
            f"{time} {teams.strip()}"
            for time, teams in re.findall(
                r'<span class="time">([^<]+)</span>\s*<span>([^<]+)', items
            )
        ]
        found.append((heading, games))
    return found


async def test_the_official_sees_upcoming_games_by_day_in_the_sites_zone(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    zone = "America/Los_Angeles"
    desk = await official_with_games(
        client,
        runtime,
        # 11:30 PM in Los Angeles is the next day in UTC: still listed under its local day
        [(1, "11:30 PM"), (1, "9:00 AM"), (3, "10:00 AM"), (-2, "9:00 AM")],
        timezone=zone,
        name="Pacific Youth Soccer",
    )
    # another official's game in the same site is not listed
    other = await official_with_games(client, runtime, [(1, "8:00 AM")], timezone=zone)
    assert other.site_id != desk.site_id
    home = await signed_in_client(client, desk.account.login)
    today = datetime.now(ZoneInfo(zone)).date()
    assert days_and_games(home.text) == [
        (
            day_label(today + timedelta(days=1), today),
            ["9:00 AM Home 1 vs Away 1", "11:30 PM Home 0 vs Away 0"],
        ),
        (day_label(today + timedelta(days=3), today), ["10:00 AM Home 2 vs Away 2"]),
    ]
    assert day_label(today + timedelta(days=1), today).startswith("Tomorrow, ")
    assert "Pacific Youth Soccer" in home.text and "times in America/Los_Angeles" in home.text
    assert "Riverside Park (Field 2)" in home.text and "Referee" in home.text
    assert '<nav aria-label="Main">' in home.text and 'aria-current="page"' in home.text
    assert 'action="/site"' not in home.text  # one site: no switcher


async def test_the_site_switcher_keeps_the_chosen_site_in_the_session(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    alpha = await official_with_games(
        client, runtime, [(2, "9:00 AM")], account=person, name="Alpha League"
    )
    beta = await official_with_games(
        client,
        runtime,
        [(4, "6:00 PM")],
        account=person,
        name="Beta League",
        timezone="Europe/Berlin",
    )
    stranger = await create_site(runtime, name="Gamma League")
    home = await signed_in_client(client, person.login)
    assert 'action="/site"' in home.text and '<label for="site_id">Site</label>' in home.text
    assert f'<option value="{alpha.site_id}" selected>Alpha League</option>' in home.text
    assert f'<option value="{beta.site_id}">Beta League</option>' in home.text
    assert "Gamma League" not in home.text
    assert [g for _, games in days_and_games(home.text) for g in games] == [
        "9:00 AM Home 0 vs Away 0"
    ]
    switched = await client.post(
        "/site", data={"csrf_token": csrf_of(home.text), "site_id": str(beta.site_id)}
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/"
    home = await client.get("/")
    assert f'<option value="{beta.site_id}" selected>Beta League</option>' in home.text
    assert "times in Europe/Berlin" in home.text
    assert [g for _, games in days_and_games(home.text) for g in games] == [
        "6:00 PM Home 0 vs Away 0"
    ]
    # a site the account is not in is ignored: the session keeps Beta
    refused = await client.post(
        "/site", data={"csrf_token": csrf_of(home.text), "site_id": str(stranger.id)}
    )
    assert refused.status_code == 303
    assert "times in Europe/Berlin" in (await client.get("/")).text


async def test_a_non_official_and_an_account_without_sites(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime, name="Harbor League")
    assignor = await create_account(runtime, password=PASSWORD)
    await create_user(runtime, site, assignor, assignor=True, official=False)
    home = await signed_in_client(client, assignor.login)
    assert "You are not an official in Harbor League" in home.text
    assert "My games</h2>" not in home.text
    loner = await create_account(runtime, password=PASSWORD)
    await client.post("/sign-out", data={"csrf_token": csrf_of(home.text)})
    home = await signed_in_client(client, loner.login)
    assert "not a member of any active site" in home.text


async def test_the_vendored_assets_are_served_from_the_package(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    for path, media in (
        ("/static/refdesk.css", "text/css"),
        ("/static/htmx-2.0.4.min.js", "text/javascript"),
    ):
        assert f'"{path}"' in page.text
        asset = await client.get(path)
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(media)
        assert asset.headers["x-content-type-options"] == "nosniff"
    assert b"htmx" in (await client.get("/static/htmx-2.0.4.min.js")).content
    for missing in ("/static/VENDORED.md", "/static/nothing.js", "/static/..%2Fhome.py"):
        assert (await client.get(missing)).status_code == 404, missing


async def test_the_pages_stay_out_of_the_api_document_and_the_api_answers_as_before(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not {"/", "/sign-in", "/sign-out", "/site", "/static/{name}"} & set(paths)
    unknown = await client.get("/api/v2/nothing-here")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    wrong_method = await client.delete("/")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "GET, HEAD, OPTIONS"
