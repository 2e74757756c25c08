"""The games board (``/board``): the site's games of a week by local day (all statuses,
published or not), each slot a chip saying its state in words with the official's name and
linking to the assigning page, open-slot counts per day and for the week, the filters (bad
values fall back, never an error), the day and range views, prev/next weeks; assignors and
managers see it, an official only gets a polite page, another site's games never show; and
the board renders in the same number of SQL statements for 3 games as for 40."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
import pytest

from refdesk.server.runtime import Runtime
from refdesk.server.web.board_filters import monday
from tests.factories import create_account
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.queries import counting
from tests.support.web import signed_in_client
from tests.support.web_board import (
    ZONE,
    act,
    board_site,
    chips,
    day_heading,
    day_section,
    game_card,
    game_ids,
    game_on,
    local,
    slots_of,
    summary,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def target_week() -> date:
    """The Monday of the week after next in the site's zone (games there are in the future)."""
    today = datetime.now(ZoneInfo(ZONE)).date()
    return monday(today) + timedelta(days=14)


async def board(client: httpx.AsyncClient, query: str = "") -> str:
    page = await client.get(f"/board{query}")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    return page.text


async def test_week_by_local_day_with_chips_and_open_counts(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await board_site(client, runtime)
    week = target_week()
    mon = await game_on(client, desk, local(week, 9), 0)
    # 11:30 PM in Los Angeles is Wednesday in UTC: still Tuesday on the board
    late = await game_on(client, desk, local(week + timedelta(days=1), 23, 30), 1)
    hidden = await game_on(client, desk, local(week + timedelta(days=1), 10), 2, is_public="n")
    next_week = await game_on(client, desk, local(week + timedelta(days=7), 9), 3)
    other = await board_site(client, runtime, name="Other Referees")
    foreign = await game_on(client, other, local(week, 10), 9)
    referee, assistant, second = slots_of(mon)
    await act(client, desk, referee, "assign", user_id=desk.official.id)
    await act(client, desk, assistant, "assign", user_id=desk.partner.user.id)
    await act(client, desk, assistant, "accept")
    late_referee = slots_of(late)[0]
    await act(client, desk, late_referee, "assign", user_id=desk.official.id)
    await act(client, desk, late_referee, "decline", reason="Away")

    await signed_in_client(client, desk.assignor_login)
    page = await board(client, f"?week={(week + timedelta(days=3)).isoformat()}")
    assert "Week of" in page and f"{week.day} " in page
    assert game_ids(page) == [mon["id"], hidden["id"], late["id"]]
    assert str(next_week["id"]) not in game_ids(page)
    assert foreign["id"] not in game_ids(page) and "Home 9" not in page
    assert f'id="game-{mon["id"]}"' in day_section(page, week)
    tuesday = day_section(page, week + timedelta(days=1))
    assert f'id="game-{late["id"]}"' in tuesday and f'id="game-{hidden["id"]}"' in tuesday
    assert "11:30 PM" in game_card(page, late["id"])
    # chips: position, official, state in words, linking to the assigning page
    assert chips(page, mon["id"]) == [
        (f"/board/slots/{referee}", "Referee Robin Whistle pending (not answered)"),
        (f"/board/slots/{assistant}", "Assistant Referee Casey Flag accepted"),
        (f"/board/slots/{second}", "Assistant Referee vacant"),
    ]
    assert chips(page, late["id"])[0] == (
        f"/board/slots/{late_referee}",
        "Referee Robin Whistle declined",
    )
    card = game_card(page, hidden["id"])
    assert "Not published" in card and "Home 2 vs Away 2" in card
    assert "Published" in game_card(page, mon["id"])
    assert f'href="/board/games/{mon["id"]}/edit"' in page
    assert 'href="/board/games/new"' in page and 'href="/board/import"' in page
    # open slots: 1 on Monday, 2 + 3 on Tuesday (a declined slot is held, not open), 6 in all
    assert day_heading(page, week).endswith("1 open slot")
    assert day_heading(page, week + timedelta(days=1)).endswith("5 open slots")
    assert day_heading(page, week + timedelta(days=2)).endswith("0 open slots")
    assert "No games." in day_section(page, week + timedelta(days=2))
    assert summary(page) == "3 games, 6 open slots this week."
    # the API agrees with the chips
    api = await client.get(f"/api/v2/games/{mon['id']}", headers=desk.assignor.headers)
    slots = {a["id"]: a for a in api.json()["_embedded"]["assignments"]}
    assert slots[assistant]["accepted"] is True and slots[referee]["accepted"] is False
    # a cancelled game is marked and its vacant slots are not counted as open
    cancelled = await client.put(
        f"/api/v2/games/{mon['id']}", json={"status": "C"}, headers=desk.assignor.headers
    )
    assert cancelled.status_code == 200, cancelled.text
    page = await board(client, f"?week={week.isoformat()}")
    assert "Cancelled (no fee)" in game_card(page, mon["id"])
    assert summary(page) == "3 games, 5 open slots this week."


async def test_filters_and_bad_values_fall_back(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await board_site(client, runtime)
    week = target_week()
    a = await game_on(client, desk, local(week, 9), 0)
    b = await game_on(
        client,
        desk,
        local(week + timedelta(days=2), 9),
        1,
        venue_name="Hill Field",
        league_name="Coast League",
        age_group_name="U10 Girls",
        is_public="n",
    )
    c = await game_on(client, desk, local(week + timedelta(days=4), 9), 2, status="X")
    await signed_in_client(client, desk.manager_login)
    base = f"?week={week.isoformat()}"
    page = await board(client, base)
    assert game_ids(page) == [a["id"], b["id"], c["id"]]
    venue = b["venue_id"]
    league = b["league_id"]
    age_group = b["age_group_id"]
    team = a["home_team_id"]
    assert game_ids(await board(client, f"{base}&venue={venue}")) == [b["id"]]
    assert game_ids(await board(client, f"{base}&league={league}")) == [b["id"]]
    assert game_ids(await board(client, f"{base}&age_group={age_group}")) == [b["id"]]
    assert game_ids(await board(client, f"{base}&team={team}")) == [a["id"]]
    assert game_ids(await board(client, f"{base}&status=cancelled")) == [c["id"]]
    assert game_ids(await board(client, f"{base}&status=active")) == [a["id"], b["id"]]
    assert game_ids(await board(client, f"{base}&published=no")) == [b["id"]]
    assert game_ids(await board(client, f"{base}&published=yes")) == [a["id"], c["id"]]
    filtered = await board(client, f"{base}&status=active&published=yes")
    assert game_ids(filtered) == [a["id"]] and "(filtered)" in summary(filtered)
    assert f'href="/board?week={week.isoformat()}">Show these days without filters' in filtered
    # the next-week link keeps the filters
    assert "status=active" in filtered.split('rel="next"')[0].rsplit("<a", 1)[1]
    # a date range: only its days
    start, end = week + timedelta(days=2), week + timedelta(days=5)
    ranged = await board(client, f"?from={start.isoformat()}&to={end.isoformat()}")
    assert game_ids(ranged) == [b["id"], c["id"]]
    # bad values fall back to their defaults, never an error
    for bad in (
        "venue=abc",
        "venue=99999999999999999999999",
        "league=0",
        "team=-3",
        "status=zzz",
        "published=maybe",
        "age_group=%00",
    ):
        assert game_ids(await board(client, f"{base}&{bad}")) == [a["id"], b["id"], c["id"]]
    other = await board_site(client, runtime, name="Elsewhere")
    foreign = await game_on(client, other, local(week, 11), 5, venue_name="Far Away Park")
    assert game_ids(await board(client, f"{base}&venue={foreign['venue_id']}")) == [
        a["id"],
        b["id"],
        c["id"],
    ]
    for bad in ("week=2026-13-45", "week=yesterday", "day=nope", "from=1900-01-01", "week="):
        page = await board(client, f"?{bad}")
        assert "Week of" in page


async def test_day_view_and_week_navigation(client: httpx.AsyncClient, runtime: Runtime) -> None:
    desk = await board_site(client, runtime)
    week = target_week()
    first = await game_on(client, desk, local(week + timedelta(days=5), 8), 0)
    later = await game_on(client, desk, local(week + timedelta(days=6), 8), 1)
    await signed_in_client(client, desk.assignor_login)
    day = week + timedelta(days=5)
    page = await board(client, f"?day={day.isoformat()}")
    assert game_ids(page) == [first["id"]]
    assert summary(page) == "1 game, 3 open slots this day."
    assert f"?day={(day + timedelta(days=1)).isoformat()}" in page
    # the filter form's dates win over the day shown; a long range is cut to 42 days
    both = await board(client, f"?day={day.isoformat()}&from={week.isoformat()}")
    assert game_ids(both) == [] and "From " in both
    long = await board(client, f"?from={week.isoformat()}&to=2099-01-01")
    assert game_ids(long) == [first["id"], later["id"]]
    assert long.count('<section class="day"') == 42
    page = await board(client, f"?week={week.isoformat()}")
    assert f"?week={(week + timedelta(days=7)).isoformat()}" in page
    assert f"?week={(week - timedelta(days=7)).isoformat()}" in page
    assert game_ids(page) == [first["id"], later["id"]]
    today_week = await board(client)
    this_monday = monday(datetime.now(ZoneInfo(ZONE)).date())
    assert day_section(today_week, this_monday)
    assert "Today, " in today_week


async def test_who_sees_the_board(client: httpx.AsyncClient, runtime: Runtime) -> None:
    desk = await board_site(client, runtime)
    week = target_week()
    game = await game_on(client, desk, local(week, 9), 0)
    query = f"?week={week.isoformat()}"
    await signed_in_client(client, desk.official_login)
    home = await client.get("/")
    assert 'href="/board"' not in home.text  # not in the navigation of an official
    page = await board(client, query)
    assert "is for the assignors and managers" in page and game_ids(page) == []
    client.cookies.clear()
    await signed_in_client(client, desk.manager_login)
    assert game_ids(await board(client, query)) == [game["id"]]
    client.cookies.clear()
    await signed_in_client(client, desk.assignor_login)
    page = await board(client, query)
    assert game_ids(page) == [game["id"]]
    assert 'href="/board" aria-current="page"' in page
    client.cookies.clear()
    nobody = await create_account(runtime, password=PASSWORD)
    await signed_in_client(client, nobody.login)
    assert "not a member of any active site" in await board(client)
    client.cookies.clear()
    assert (await client.get("/board")).status_code == 303


@pytest.mark.parametrize("sizes", [(3, 40)])
async def test_statements_do_not_grow_with_the_games(
    client: httpx.AsyncClient, runtime: Runtime, sizes: tuple[int, int]
) -> None:
    counts = []
    week = target_week()
    for n, size in enumerate(sizes):
        desk = await board_site(client, runtime, name=f"Size {n}")
        for i in range(size):
            game = await game_on(
                client,
                desk,
                local(week + timedelta(days=i % 7), 8 + i % 10),
                i,
                venue_name=f"Venue {i % 5}",
                league_name=f"League {i % 3}",
            )
            if i % 2 == 0:
                await act(client, desk, slots_of(game)[0], "assign", user_id=desk.official.id)
            if i % 3 == 0:
                await act(client, desk, slots_of(game)[1], "assign", user_id=desk.partner.user.id)
        client.cookies.clear()
        await signed_in_client(client, desk.assignor_login)
        with counting(runtime) as statements:
            page = await board(client, f"?week={week.isoformat()}")
        assert len(game_ids(page)) == size
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


async def test_ticked_games_are_published_together_from_the_board(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await board_site(client, runtime)
    week = target_week()
    first = await game_on(client, desk, local(week, 9), 0, is_public="n")
    second = await game_on(client, desk, local(week, 11), 1, is_public="n")
    untouched = await game_on(client, desk, local(week, 13), 2, is_public="n")
    await signed_in_client(client, desk.assignor_login)
    query = f"?week={week.isoformat()}&status=active"
    page = await board(client, query)
    # the board is one form: the CSRF token, where to come back, a box per game
    assert 'action="/board/games/publish"' in page
    assert f'<input type="hidden" name="next" value="/board{query.replace("&", "&amp;")}">' in page
    for game in (first, second, untouched):
        assert f'name="game_id" value="{game["id"]}"' in page
    form = {"csrf_token": csrf_of(page), "next": f"/board{query}", "action": "publish"}
    ticked = [("game_id", str(first["id"])), ("game_id", str(second["id"]))]
    answer = await client.post(
        "/board/games/publish", content=urlencode([*form.items(), *ticked]), headers=FORM
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/board{query}"
    after = await client.get(answer.headers["location"])
    assert "Published 2 games" in after.text
    for game, published in ((first, True), (second, True), (untouched, False)):
        shown = await client.get(f"/api/v2/games/{game['id']}", headers=desk.assignor.headers)
        assert shown.json()["published"] is published, game["id"]
    assert "Not published" in game_card(after.text, untouched["id"])
    assert "Not published" not in game_card(after.text, first["id"])
