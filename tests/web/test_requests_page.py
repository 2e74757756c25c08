"""The "Requests" page: an assignor's list of the site's game requests (the API's list),
approving and declining through the page (the API then agrees), refusals that change
nothing, other sites' requests, CSRF, and people who are not assignors or managers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.web.home import day_label
from tests.factories import Member
from tests.support.app import client_for
from tests.support.games import make_game
from tests.support.web import signed_in_client
from tests.support.web_open import ZONE, api_game, api_requests, official_in, request_site
from tests.support.web_requests import (
    REQUESTS,
    Shown,
    alert_of,
    api_request,
    decide,
    notice_of,
    shown,
    staff_in,
)


def day(days: int) -> str:
    return (datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=days)).isoformat()


def label(days: int) -> str:
    today = datetime.now(ZoneInfo(ZONE)).date()
    return day_label(today + timedelta(days=days), today)


async def ask(
    client: httpx.AsyncClient, who: Member, game: dict[str, Any], slot: int | None = 0, **extra: Any
) -> dict[str, Any]:
    """``who`` requests the game's slot number ``slot``'s position (None: any) via the API."""
    body: dict[str, Any] = {"game_id": game["id"], **extra}
    if slot is not None:
        body["position_id"] = game["_embedded"]["assignments"][slot]["position_id"]
    answer = await client.post("/api/v2/game_requests", json=body, headers=who.headers)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def world(client: httpx.AsyncClient, runtime: Runtime) -> dict[str, Any]:
    site_id, assignor = await request_site(client, runtime, name="Bay Referees")
    staff = await staff_in(runtime, site_id, first_name="Alex", last_name="Staff")
    sam = await official_in(runtime, site_id, first_name="Sam", last_name="Lee")
    kim = await official_in(runtime, site_id, first_name="Kim", last_name="Park")
    hawks = await make_game(client, site_id, assignor.headers, localized_date=day(3))
    owls = await make_game(
        client,
        site_id,
        assignor.headers,
        localized_date=day(4),
        localized_time="6:30 PM",
        home_team_name="Owls",
        away_team_name="Larks",
    )
    return {
        "site_id": site_id,
        "assignor": assignor,
        "staff": staff,
        "sam": sam,
        "kim": kim,
        "hawks": hawks,
        "owls": owls,
    }


async def test_the_list_is_the_apis_pending_first_then_recently_decided(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    w = await world(client, runtime)
    first = await ask(client, w["sam"], w["hawks"], 0, comment="I live next door")
    second = await ask(client, w["kim"], w["owls"], None)
    withdrawn = await ask(client, w["kim"], w["hawks"], 1)
    gone = await client.delete(f"/api/v2/game_requests/{withdrawn['id']}", headers=w["kim"].headers)
    assert gone.status_code == 204
    await signed_in_client(client, w["staff"].account.login)
    page = await client.get(REQUESTS)
    assert page.status_code == 200
    assert 'aria-current="page">Requests<' in page.text  # the staff navigation's item
    pending = shown(page.text, "pending")
    api = await api_requests(client, w["site_id"], w["staff"])
    assert [p.id for p in pending] == [r["id"] for r in api if r["status"] == "pending"]
    assert pending == [
        Shown(
            second["id"],
            "Kim Park",
            "Owls vs Larks",
            f"{label(4)}, 6:30 PM · Any position · Riverside Park (Field 2) · U12 Boys · "
            "Harbor League",
            "Pending",
            ["Approve", "Decline"],
        ),
        Shown(
            first["id"],
            "Sam Lee",
            "Hawks vs Falcons",
            f"{label(3)}, 9:00 AM · Referee · Riverside Park (Field 2) · U12 Boys · Harbor League",
            "Pending",
            ["Approve", "Decline"],
        ),
    ]
    assert "Comment: I live next door" in page.text
    recent = shown(page.text, "recent")
    assert [(r.id, r.status, r.buttons) for r in recent] == [(withdrawn["id"], "Withdrawn", [])]
    # show=all: every request, the API's order
    everything = shown((await client.get(f"{REQUESTS}?show=all")).text, "all")
    assert [r.id for r in everything] == [r["id"] for r in api]


async def test_approve_assigns_the_slot_as_the_api_does(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    w = await world(client, runtime)
    made = await ask(client, w["sam"], w["hawks"], 0)
    await signed_in_client(client, w["staff"].account.login)
    answer = await decide(client, made["id"], "approve")
    assert answer.status_code == 303 and answer.headers["location"] == REQUESTS
    page = await client.get(REQUESTS)
    assert notice_of(page.text) == (
        f"Approved: Sam Lee: Referee for Hawks vs Falcons, {label(3)}, 9:00 AM. "
        "The official is assigned."
    )
    assert shown(page.text, "pending") == []
    (recent,) = shown(page.text, "recent")
    assert (recent.id, recent.status, recent.buttons) == (made["id"], "Approved", [])
    after = await api_request(client, made["id"], w["staff"])
    assert after["status"] == "approved"
    slot = w["hawks"]["_embedded"]["assignments"][0]["id"]
    assert after["assignment_id"] == slot
    game = await api_game(client, w["hawks"]["id"], w["staff"])
    (held,) = [a for a in game["_embedded"]["assignments"] if a["id"] == slot]
    assert held["official_id"] == w["sam"].user.id


async def test_decline_declines_and_leaves_the_slot_open(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    w = await world(client, runtime)
    made = await ask(client, w["sam"], w["owls"], None)
    await signed_in_client(client, w["staff"].account.login)
    answer = await decide(client, made["id"], "decline")
    assert answer.status_code == 303
    page = await client.get(REQUESTS)
    assert notice_of(page.text) == (
        f"Declined: Sam Lee: Any position for Owls vs Larks, {label(4)}, 6:30 PM."
    )
    assert (await api_request(client, made["id"], w["staff"]))["status"] == "declined"
    game = await api_game(client, w["owls"]["id"], w["staff"])
    assert all(a["official_id"] is None for a in game["_embedded"]["assignments"])


async def test_a_refused_approval_writes_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    w = await world(client, runtime)
    made = await ask(client, w["sam"], w["hawks"], 0)
    await signed_in_client(client, w["staff"].account.login)
    before = await client.get(REQUESTS)
    # the Referee slot is filled through the API after the page was shown
    slot = w["hawks"]["_embedded"]["assignments"][0]["id"]
    filled = await client.post(
        f"/api/v2/assignments/{slot}/assign",
        json={"user_id": w["kim"].user.id},
        headers=w["assignor"].headers,
    )
    assert filled.status_code == 200, filled.text
    assert [p.id for p in shown(before.text)] == [made["id"]]
    answer = await decide(client, made["id"], "approve")
    assert answer.status_code == 303
    page = await client.get(REQUESTS)
    assert alert_of(page.text) == (
        "Not approved: the game has no vacant slot. Nothing was changed."
    )
    (still,) = shown(page.text)
    assert still.status == "Pending"
    assert "No vacant slot of this position is left." in page.text
    assert (await api_request(client, made["id"], w["staff"]))["status"] == "pending"
    game = await api_game(client, w["hawks"]["id"], w["staff"])
    assert [a["official_id"] for a in game["_embedded"]["assignments"]][:1] == [w["kim"].user.id]
    # deciding twice: the second is refused
    assert (await decide(client, made["id"], "decline")).status_code == 303
    again = await decide(client, made["id"], "decline")
    assert again.status_code == 303
    page = await client.get(REQUESTS)
    assert alert_of(page.text) == "Not declined: the request is not pending. Nothing was changed."


async def test_another_sites_request_is_the_404_page_and_csrf_is_checked(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    w = await world(client, runtime)
    other_site, other_assignor = await request_site(client, runtime)
    stranger = await official_in(runtime, other_site)
    game = await make_game(client, other_site, other_assignor.headers, localized_date=day(2))
    theirs = await ask(client, stranger, game, 0)
    mine = await ask(client, w["sam"], w["hawks"], 0)
    await signed_in_client(client, w["staff"].account.login)
    for action in ("approve", "decline"):
        answer = await decide(client, theirs["id"], action)
        assert answer.status_code == 404
        assert "There is no such game request in this site." in answer.text
    assert (await api_request(client, theirs["id"], other_assignor))["status"] == "pending"
    missing = await decide(client, 987654321, "approve")
    assert missing.status_code == 404
    forged = await client.post(f"{REQUESTS}/{mine['id']}/approve", data={"csrf_token": "x" * 20})
    assert forged.status_code == 403
    assert (await api_request(client, mine["id"], w["staff"]))["status"] == "pending"


async def test_managers_may_decide_officials_see_a_polite_page(
    app: Any, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    w = await world(client, runtime)
    made = await ask(client, w["sam"], w["hawks"], 0)
    manager = await staff_in(runtime, w["site_id"], assignor=False, manager=True)
    await signed_in_client(client, manager.account.login)
    assert [p.id for p in shown((await client.get(REQUESTS)).text)] == [made["id"]]
    assert (await decide(client, made["id"], "approve")).status_code == 303
    assert (await api_request(client, made["id"], w["staff"]))["status"] == "approved"

    other = await ask(client, w["kim"], w["owls"], 0)
    async with client_for(app) as second:
        await signed_in_client(second, w["kim"].account.login)
        page = await second.get(REQUESTS)
        assert page.status_code == 200
        assert "This page is for the assignors and managers of Bay Referees" in page.text
        assert "Approve" not in page.text and "Assigning" not in page.text
        answer = await decide(second, other["id"], "approve")
        assert answer.status_code == 303
        refused = await second.get(REQUESTS)
        assert alert_of(refused.text) == (
            "Not approved: your roles in this site do not allow you to approve or decline "
            "game requests. Nothing was changed."
        )
    assert (await api_request(client, other["id"], w["staff"]))["status"] == "pending"
