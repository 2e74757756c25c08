"""The "Open games" page: the games an official may request or self-assign by day in the
site's zone, requesting and withdrawing through the page, refusals, and what the API then
shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from refdesk.server.runtime import Runtime
from refdesk.server.web import open_games
from refdesk.server.web.home import day_label
from tests.factories import create_account, create_user
from tests.support.games import load_site, make_game
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import signed_in_client
from tests.support.web_open import (
    PAGE,
    ZONE,
    Listed,
    alert_of,
    api_game,
    api_requests,
    listed,
    my_requests,
    notice_of,
    official_in,
    post_request,
    post_withdraw,
    request_site,
    withdraw_forms,
)

NO_OPEN_SLOT = "Not requested: this game has no open slot you can request."


def day(days: int) -> str:
    return (datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=days)).isoformat()


def label(days: int) -> str:
    today = datetime.now(ZoneInfo(ZONE)).date()
    return day_label(today + timedelta(days=days), today)


async def assign(
    client: httpx.AsyncClient, slot_id: int, user_id: int, headers: dict[str, str]
) -> None:
    answer = await client.post(
        f"/api/v2/assignments/{slot_id}/assign", json={"user_id": user_id}, headers=headers
    )
    assert answer.status_code == 200, answer.text


async def test_the_page_lists_exactly_the_games_the_official_may_request(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await request_site(client, runtime, name="Pacific Referees")
    official = await official_in(runtime, site_id)
    helpers = [await official_in(runtime, site_id) for _ in range(3)]
    h = assignor.headers

    async def game(days: int, clock: str, teams: str, **fields: str) -> dict:
        home, away = teams.split(" vs ")
        return await make_game(
            client,
            site_id,
            h,
            localized_date=day(days),
            localized_time=clock,
            home_team_name=home,
            away_team_name=away,
            **fields,
        )

    # Listed: open, published, in the future. 11:30 PM in Los Angeles is the next UTC day.
    late = await game(2, "11:30 PM", "Owls vs Larks")
    early = await game(2, "9:00 AM", "Hawks vs Falcons")
    later = await game(5, "10:00 AM", "Crows vs Ravens")
    # The official asked for the Referee slot already: listed, that position marked.
    asked = await game(6, "1:00 PM", "Wrens vs Robins")
    # Not listed: the official holds a slot; unpublished; cancelled; past; full.
    held = await game(3, "9:00 AM", "Held vs Game")
    await assign(client, held["_embedded"]["assignments"][0]["id"], official.user.id, h)
    await game(3, "10:00 AM", "Hidden vs Game", is_public="n")
    await game(3, "11:00 AM", "Cancelled vs Game", status="X")
    await game(-1, "9:00 AM", "Past vs Game")
    full = await game(4, "9:00 AM", "Full vs Game")
    for slot, helper in zip(full["_embedded"]["assignments"], helpers, strict=True):
        await assign(client, slot["id"], helper.user.id, h)
    # Another site's open game is not listed either.
    other_site, other_assignor = await request_site(client, runtime)
    await make_game(client, other_site, other_assignor.headers, home_team_name="Elsewhere")

    # Fees: the age group's table for the Referee, an override on one Assistant slot.
    slots = early["_embedded"]["assignments"]
    table = await client.put(
        f"/api/v2/age_groups/{early['age_group_id']}",
        json={
            "fees": [
                {"pattern_id": early["pattern_id"], "position_id": p["position_id"], "amount": a}
                for p, a in ((slots[0], 45), (slots[1], 30))
            ]
        },
        headers=h,
    )
    assert table.status_code == 200, table.text
    override = await client.patch(
        f"/api/v2/assignments/{later['_embedded']['assignments'][1]['id']}",
        json={"fee": "32.5"},
        headers=h,
    )
    assert override.status_code == 200, override.text

    await signed_in_client(client, official.account.login)
    referee = asked["_embedded"]["assignments"][0]["position_id"]
    await post_request(client, asked["id"], referee)
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert "times in America/Los_Angeles" in page.text and 'aria-current="page"' in page.text
    both = [("Referee", "Fee $45.00", "Request Referee")]
    assistants = ("Assistant Referee (2 open)", "Fee $30.00", "Request Assistant Referee")
    assert listed(page.text) == [
        Listed(early["id"], label(2), "9:00 AM", "Hawks vs Falcons", VENUE, [*both, assistants]),
        Listed(late["id"], label(2), "11:30 PM", "Owls vs Larks", VENUE, [*both, assistants]),
        Listed(
            later["id"],
            label(5),
            "10:00 AM",
            "Crows vs Ravens",
            VENUE,
            [both[0], ("Assistant Referee (2 open)", "Fee $32.50", "Request Assistant Referee")],
        ),
        Listed(
            asked["id"],
            label(6),
            "1:00 PM",
            "Wrens vs Robins",
            VENUE,
            [("Referee", "Fee $45.00", "Requested"), assistants],
        ),
    ]
    assert my_requests(page.text) == [
        (f"Wrens vs Robins {label(6)}, 1:00 PM · Referee · Riverside Park (Field 2)", "Pending")
    ]


VENUE = "Riverside Park (Field 2) · U12 Boys · Harbor League"


async def test_a_request_from_the_page_is_what_the_api_shows_then_it_is_withdrawn(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await request_site(client, runtime)
    official = await official_in(runtime, site_id)
    game = await make_game(client, site_id, assignor.headers, localized_date=day(3))
    assistant = game["_embedded"]["assignments"][1]["position_id"]
    await signed_in_client(client, official.account.login)

    page = await post_request(client, game["id"], assistant)
    assert notice_of(page.text) == (
        f"Requested: Assistant Referee for Hawks vs Falcons, {label(3)}, 9:00 AM. "
        "An assignor will decide."
    )
    (made,) = await api_requests(client, site_id, official)
    assert (made["game_id"], made["position_id"], made["status"]) == (
        game["id"],
        assistant,
        "pending",
    )
    assert made["user_id"] == official.user.id
    assert withdraw_forms(page.text) == [made["id"]]
    assert [p[2] for g in listed(page.text) for p in g.positions] == [
        "Request Referee",
        "Requested",
    ]
    # The assignor sees it too, and the notice is shown once.
    assert [r["id"] for r in await api_requests(client, site_id, assignor)] == [made["id"]]
    assert notice_of((await client.get(PAGE)).text) is None

    page = await post_withdraw(client, made["id"])
    assert notice_of(page.text) == (
        f"Request withdrawn: Assistant Referee for Hawks vs Falcons, {label(3)}, 9:00 AM."
    )
    (gone,) = await api_requests(client, site_id, official)
    assert gone["status"] == "withdrawn"
    assert withdraw_forms(page.text) == []
    assert my_requests(page.text) == [
        (
            f"Hawks vs Falcons {label(3)}, 9:00 AM · Assistant Referee · Riverside Park (Field 2)",
            "Withdrawn",
        )
    ]
    # withdrawn: the position can be requested again
    assert [p[2] for g in listed(page.text) for p in g.positions] == [
        "Request Referee",
        "Request Assistant Referee",
    ]


async def test_self_assign_where_the_site_allows_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await request_site(client, runtime, allow_self_assign=True)
    official = await official_in(runtime, site_id)
    game = await make_game(client, site_id, assignor.headers, localized_date=day(4))
    await signed_in_client(client, official.account.login)
    page = await client.get(PAGE)
    assert "you can take an open slot yourself" in page.text
    assert listed(page.text)[0].positions[0] == ("Referee", "Fee $0.00", "Take Referee")

    page = await post_request(
        client, game["id"], game["_embedded"]["assignments"][0]["position_id"]
    )
    assert notice_of(page.text) == (
        f"You are assigned: Referee for Hawks vs Falcons, {label(4)}, 9:00 AM. "
        "The game is on your home page."
    )
    slot = (await api_game(client, game["id"], official))["_embedded"]["assignments"][0]
    assert (slot["official_id"], slot["accepted"]) == (official.user.id, True)
    (made,) = await api_requests(client, site_id, official)
    assert (made["status"], made["assignment_id"]) == ("approved", slot["id"])
    # The official now holds a slot of the game: it is no longer listed.
    assert listed(page.text) == []
    assert my_requests(page.text) == [
        (f"Hawks vs Falcons {label(4)}, 9:00 AM · Referee · Riverside Park (Field 2)", "Approved")
    ]
    assert withdraw_forms(page.text) == []


async def test_self_assign_with_a_conflict_stays_a_pending_request(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # use_availability: no availability entry for the day is conflict code D
    site_id, assignor = await request_site(
        client, runtime, allow_self_assign=True, use_availability=True
    )
    official = await official_in(runtime, site_id)
    game = await make_game(client, site_id, assignor.headers, localized_date=day(4))
    await signed_in_client(client, official.account.login)
    page = await post_request(client, game["id"])
    assert "You could not be assigned at once" in (notice_of(page.text) or "")
    assert "any position for Hawks vs Falcons" in (notice_of(page.text) or "")
    (made,) = await api_requests(client, site_id, official)
    assert (made["status"], made["position_id"]) == ("pending", None)
    game_now = await api_game(client, game["id"], assignor)
    assert all(s["official_id"] is None for s in game_now["_embedded"]["assignments"])


async def test_refusals_are_shown_and_nothing_is_written(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await request_site(client, runtime)
    official = await official_in(runtime, site_id)
    rival = await official_in(runtime, site_id)
    game = await make_game(client, site_id, assignor.headers, localized_date=day(2))
    slot = game["_embedded"]["assignments"][0]
    home = await signed_in_client(client, official.account.login)
    assert 'href="/open-games"' in home.text

    # Filled after the page was shown: the service refuses, the page says why.
    await assign(client, slot["id"], rival.user.id, assignor.headers)
    page = await post_request(client, game["id"], slot["position_id"])
    assert alert_of(page.text) == NO_OPEN_SLOT
    assert await api_requests(client, site_id, assignor) == []

    # Asked twice for the same position.
    assistant = game["_embedded"]["assignments"][1]["position_id"]
    await post_request(client, game["id"], assistant)
    page = await post_request(client, game["id"], assistant)
    assert alert_of(page.text) == (
        "Not requested: you already have a pending request for this position of the game."
    )
    (only,) = await api_requests(client, site_id, assignor)

    # A game that is not open (past), a game that does not exist, a malformed form.
    past = await make_game(client, site_id, assignor.headers, localized_date=day(-1))
    page = await post_request(client, past["id"])
    assert alert_of(page.text) == NO_OPEN_SLOT
    page = await post_request(client, 999999999)
    assert alert_of(page.text) == "Not requested: the requested resource was not found."
    page = await post_request(client, game["id"], "abc")
    assert alert_of(page.text) == "Not requested: position id is not a number."
    assert [r["id"] for r in await api_requests(client, site_id, assignor)] == [only["id"]]

    # A decided request cannot be withdrawn.
    approved = await client.post(
        f"/api/v2/game_requests/{only['id']}/approve", json={}, headers=assignor.headers
    )
    assert approved.status_code == 200, approved.text
    page = await post_withdraw(client, only["id"])
    assert alert_of(page.text) == "Not withdrawn: can only withdraw a pending request."
    (still,) = await api_requests(client, site_id, assignor)
    assert still["status"] == "approved"


async def test_another_officials_request_cannot_be_withdrawn(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await request_site(client, runtime)
    official = await official_in(runtime, site_id)
    rival = await official_in(runtime, site_id)
    game = await make_game(client, site_id, assignor.headers, localized_date=day(2))
    theirs = await client.post(
        "/api/v2/game_requests", json={"game_id": game["id"]}, headers=rival.headers
    )
    assert theirs.status_code == 201, theirs.text
    page = await signed_in_client(client, official.account.login)
    page = await client.get(PAGE)
    assert withdraw_forms(page.text) == [] and my_requests(page.text) == []
    page = await post_withdraw(client, theirs.json()["id"])
    assert alert_of(page.text) == (
        "Not withdrawn: your roles in this site do not allow you to see this game request."
    )
    (still,) = await api_requests(client, site_id, rival)
    assert still["status"] == "pending"


async def test_a_site_without_requests_says_so_and_refuses(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await request_site(
        client, runtime, name="Closed League", show_game_requests=False, allow_self_assign=True
    )
    official = await official_in(runtime, site_id)
    game = await make_game(client, site_id, assignor.headers, localized_date=day(2))
    await signed_in_client(client, official.account.login)
    page = await client.get(PAGE)
    assert "Closed League does not take game requests from officials" in page.text
    assert listed(page.text) == [] and 'action="/open-games/requests"' not in page.text
    assert 'id="requestable"' not in page.text
    page = await post_request(client, game["id"])
    assert alert_of(page.text) == (
        "Not requested: your roles in this site do not allow you to request games."
    )
    assert await api_requests(client, site_id, assignor) == []


async def test_which_open_games_an_official_may_read(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Requests on, but open games not shown to officials: the page says so.
    site_id, assignor = await request_site(
        client, runtime, name="Quiet League", show_unassigned_games=False
    )
    official = await official_in(runtime, site_id)
    await make_game(client, site_id, assignor.headers, localized_date=day(2))
    await signed_in_client(client, official.account.login)
    page = await client.get(PAGE)
    assert "does not show its open games to officials" in page.text
    assert listed(page.text) == []
    # With all published games shown to officials, the open ones are listed.
    changed = await client.patch(
        f"/api/v2/sites/{site_id}", json={"show_all_games": "true"}, headers=assignor.headers
    )
    assert changed.status_code == 200, changed.text
    page = await client.get(PAGE)
    assert [g.teams for g in listed(page.text)] == ["Hawks vs Falcons"]


async def test_people_who_are_no_official_and_visitors(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    visitor = await client.get(PAGE)
    assert visitor.status_code == 303 and visitor.headers["location"] == "/"
    site_id, assignor = await request_site(client, runtime, name="Harbor League")
    game = await make_game(client, site_id, assignor.headers, localized_date=day(2))
    person = await create_account(runtime, password=PASSWORD)
    await create_user(
        runtime, await load_site(runtime, site_id), person, assignor=True, official=False
    )
    await signed_in_client(client, person.login)
    page = await client.get(PAGE)
    assert "You are not an official in Harbor League" in page.text
    page = await post_request(client, game["id"])
    assert alert_of(page.text) == (
        "Not requested: user id must be an active official of this site."
    )
    assert await api_requests(client, site_id, assignor) == []


async def test_a_post_without_a_csrf_token_is_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await request_site(client, runtime)
    official = await official_in(runtime, site_id)
    game = await make_game(client, site_id, assignor.headers, localized_date=day(2))
    await signed_in_client(client, official.account.login)
    for data in ({"game_id": str(game["id"])}, {"game_id": str(game["id"]), "csrf_token": "x"}):
        refused = await client.post(f"{PAGE}/requests", data=data)
        assert refused.status_code == 403 and "Nothing was changed" in refused.text
    assert await api_requests(client, site_id, assignor) == []
    made = await client.post(
        "/api/v2/game_requests", json={"game_id": game["id"]}, headers=official.headers
    )
    refused = await client.post(f"{PAGE}/requests/{made.json()['id']}/withdraw", data={})
    assert refused.status_code == 403
    (still,) = await api_requests(client, site_id, official)
    assert still["status"] == "pending"
    # with the token, the same form works
    page = await client.get(PAGE)
    sent = await client.post(
        f"{PAGE}/requests/{made.json()['id']}/withdraw", data={"csrf_token": csrf_of(page.text)}
    )
    assert sent.status_code == 303
    (gone,) = await api_requests(client, site_id, official)
    assert gone["status"] == "withdrawn"


async def test_the_open_games_come_in_pages(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(open_games, "GAMES_PER_PAGE", 2)
    site_id, assignor = await request_site(client, runtime)
    official = await official_in(runtime, site_id)
    for n in range(3):
        await make_game(
            client, site_id, assignor.headers, localized_date=day(n + 1), home_team_name=f"T{n}"
        )
    await signed_in_client(client, official.account.login)
    first = await client.get(PAGE)
    assert [g.teams for g in listed(first.text)] == ["T0 vs Falcons", "T1 vs Falcons"]
    assert 'href="/open-games?page=2">Later games' in first.text
    assert "Earlier games" not in first.text
    second = await client.get(PAGE, params={"page": "2"})
    assert [g.teams for g in listed(second.text)] == ["T2 vs Falcons"]
    assert 'href="/open-games?page=1">Earlier games' in second.text
    assert "Later games" not in second.text
    beyond = await client.get(PAGE, params={"page": "9"})
    assert listed(beyond.text) == [] and "No more open games." in beyond.text
    for junk in ("abc", "-1", "0", "99999999999999999999"):
        odd = await client.get(PAGE, params={"page": junk})
        assert odd.status_code == 200 and len(listed(odd.text)) == 2, junk
