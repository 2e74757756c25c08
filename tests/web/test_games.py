"""The "My games" page: the official's upcoming and past games by day in the site's zone, with
venue, position, partners, fee and answer; accepting and declining through the same service
as the API (the API then shows the answer); the decline cut-off explained before and refused
after; stale pages, other people's slots, garbage and CSRF-less posts refused with nothing
changed; cancelled and changed games marked with a badge and words."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.web.games import moment
from refdesk.server.web.home import day_label
from refdesk.server.web.pages.games import NOT_RECORDED, STALE
from tests.factories import create_account, create_site, create_user
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import error_of, followed, notice_of, signed_in_client
from tests.support.web_games import (
    card_text,
    cards,
    days_of,
    form_fields,
    game_at,
    make_desk,
    post_form,
    section,
    slot_state,
    text_of,
)

ZONE = "America/Los_Angeles"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time of the site's zone as an instant."""
    return datetime.combine(day, time(hour, minute), ZoneInfo(ZONE))


def today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


def soon(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


async def test_upcoming_and_past_games_by_day_in_the_sites_zone(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime, timezone=ZONE)
    day = today()
    # 11:30 PM in Los Angeles is the next day in UTC: still listed under its local day
    await game_at(client, desk, local(day + timedelta(days=1), 23, 30), 0)
    with_partner = await game_at(client, desk, local(day + timedelta(days=1), 9), 1, partner=True)
    await game_at(client, desk, local(day + timedelta(days=3), 10), 2)
    await game_at(client, desk, local(day - timedelta(days=2), 9), 3)
    await game_at(client, desk, local(day - timedelta(days=10), 18), 4)
    await game_at(client, desk, local(day - timedelta(days=10), 8), 5)
    await game_at(client, desk, local(day - timedelta(days=40), 8), 6)  # before the window
    # the partner's own game, without our official: not listed
    other = await client.post(
        f"/api/v2/sites/{desk.site_id}/games",
        json={
            "date_time": local(day + timedelta(days=2), 9).isoformat(),
            "venue_name": "Riverside Park",
            "home_team_name": "Not Mine",
            "away_team_name": "Others",
            "age_group_name": "U12 Boys",
            "pattern_name": "3 OFFICIALS",
            "is_public": "y",
        },
        headers=desk.assignor.headers,
    )
    assert other.status_code == 201, other.text
    slot = desk.slot_of(with_partner)
    fee = await client.patch(
        f"/api/v2/assignments/{slot}", json={"fee": "45.5"}, headers=desk.assignor.headers
    )
    assert fee.status_code == 200, fee.text
    api_fee = (await slot_state(client, desk, slot))["_embedded"]["fees"][0]["formatted"]
    assert api_fee == "$45.50"

    home = await signed_in_client(client, desk.login)
    assert '<a href="/games">All my games</a>' in home.text
    page = await client.get("/games")
    assert page.status_code == 200, page.text
    assert '<a href="/games" aria-current="page">My games</a>' in page.text
    assert "times in America/Los_Angeles" in page.text
    assert days_of(section(page.text, "upcoming")) == [
        (
            day_label(day + timedelta(days=1), day),
            ["9:00 AM Home 1 vs Away 1", "11:30 PM Home 0 vs Away 0"],
        ),
        (day_label(day + timedelta(days=3), day), ["10:00 AM Home 2 vs Away 2"]),
    ]
    # past: most recent day first, each day's games in time order; the window is 28 days
    assert days_of(section(page.text, "past")) == [
        (day_label(day - timedelta(days=2), day), ["9:00 AM Home 3 vs Away 3"]),
        (
            day_label(day - timedelta(days=10), day),
            ["8:00 AM Home 5 vs Away 5", "6:00 PM Home 4 vs Away 4"],
        ),
    ]
    assert "Not Mine" not in page.text and "Home 6" not in page.text
    card = card_text(page.text, "Home 1 vs Away 1")
    for expected in (
        "9:00 AM – 10:00 AM",
        "Venue Riverside Park (Field 2)",
        "Your position Referee",
        "Status Awaiting your answer",
        f"Fee {api_fee}",
        "Assistant Referee: Casey Linesman",
        "Assistant Referee: open",
    ):
        assert expected in card, (expected, card)
    assert "Fee $0.00" in card_text(page.text, "Home 0 vs Away 0")
    assert "Status Not answered" in card_text(page.text, "Home 3 vs Away 3")
    # past games offer no answer
    assert "<form" not in cards(page.text)["Home 3 vs Away 3"]

    # earlier games: the window moves back 28 days
    start = day - timedelta(days=28)
    assert f'<a href="/games?before={start.isoformat()}">Earlier games</a>' in page.text
    assert "Later games" not in page.text
    earlier = await client.get(f"/games?before={start.isoformat()}")
    assert earlier.status_code == 200
    assert days_of(section(earlier.text, "past")) == [
        (day_label(day - timedelta(days=40), day), ["8:00 AM Home 6 vs Away 6"])
    ]
    # the upcoming games stay; a link goes back to the later days
    assert "Home 2 vs Away 2" in section(earlier.text, "upcoming")
    assert '<a href="/games">Later games</a>' in earlier.text


async def test_accepting_in_the_page_shows_in_the_api(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime, timezone=ZONE)
    game = await game_at(client, desk, soon(24 * 5), 0)
    slot = desk.slot_of(game)
    await signed_in_client(client, desk.login)
    page = await client.get("/games")
    fields = form_fields(cards(page.text)["Home 0 vs Away 0"], "accept")
    assert fields["lock_version"] == str(game["_embedded"]["assignments"][0]["lock_version"])
    answer = await post_form(client, page, "Home 0 vs Away 0", "accept")
    assert answer.headers["location"] == "/games"
    after = await followed(client, answer)
    when = moment(datetime.fromisoformat(game["start_time"]), ZONE)
    assert notice_of(after) == f"You accepted Home 0 vs Away 0, {when}."
    card = card_text(after.text, "Home 0 vs Away 0")
    assert "Status Accepted" in card and "Accept" not in card.replace("Accepted", "")
    state = await slot_state(client, desk, slot)
    assert (state["accepted"], state["declined"]) == (True, False)
    assert state["lock_version"] == int(fields["lock_version"]) + 1
    # the message is shown once
    assert notice_of(await client.get("/games")) == ""


async def test_declining_with_a_reason_shows_in_the_api(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime, timezone=ZONE)
    game = await game_at(client, desk, soon(24 * 5), 0)
    slot = desk.slot_of(game)
    await signed_in_client(client, desk.login)
    page = await client.get("/games")
    card = cards(page.text)["Home 0 vs Away 0"]
    closes = moment(datetime.fromisoformat(game["start_time"]) - timedelta(hours=36), ZONE)
    assert f"You can decline until {closes}." in text_of(card)
    assert f'<label for="reason-{slot}">Reason (optional, sent to your assignor)</label>' in card
    answer = await post_form(client, page, "Home 0 vs Away 0", "decline", reason=" Out of town ")
    after = await followed(client, answer)
    assert notice_of(after).startswith("You declined Home 0 vs Away 0, ")
    state = await slot_state(client, desk, slot)
    assert (state["accepted"], state["declined"]) == (False, True)
    assert state["decline_reason"] == "Out of town"
    card = card_text(after.text, "Home 0 vs Away 0")
    assert "Status Declined (reason: Out of town)" in card
    assert "Accept after all" in card and "Decline this game" not in card
    # changing one's mind: the service allows accepting a declined slot
    again = await followed(client, await post_form(client, after, "Home 0 vs Away 0", "accept"))
    assert "Status Accepted" in card_text(again.text, "Home 0 vs Away 0")
    state = await slot_state(client, desk, slot)
    assert (state["accepted"], state["declined"], state["decline_reason"]) == (True, False, None)


async def test_declining_after_the_cut_off_is_explained_and_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime, timezone=ZONE, cutoff_hours=36)
    game = await game_at(client, desk, soon(5), 0)
    slot = desk.slot_of(game)
    before = await slot_state(client, desk, slot)
    await signed_in_client(client, desk.login)
    page = await client.get("/games")
    card = cards(page.text)["Home 0 vs Away 0"]
    closed = moment(datetime.fromisoformat(game["start_time"]) - timedelta(hours=36), ZONE)
    assert (
        f"Declining closed on {closed} (36 hours before the game); contact your assignor"
        in text_of(card)
    )
    assert "/decline" not in card and "Decline this game" not in card
    assert "/accept" in card  # accepting is still open
    # a POST anyway (an old page, a crafted form): refused with the service's reason
    fields = form_fields(card, "accept")
    answer = await client.post(
        f"/games/assignments/{slot}/decline",
        data={**fields, "reason": "Sick"},
    )
    after = await followed(client, answer)
    assert error_of(after) == (
        NOT_RECORDED + "can't be declined less than 36 hours before the game; "
        "contact your assignor."
    )
    state = await slot_state(client, desk, slot)
    assert (state["declined"], state["lock_version"]) == (False, before["lock_version"])


async def test_a_stale_page_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime, timezone=ZONE)
    game = await game_at(client, desk, soon(24 * 5), 0)
    slot = desk.slot_of(game)
    await signed_in_client(client, desk.login)
    page = await client.get("/games")
    # the assignor changes the slot after the page was loaded
    changed = await client.patch(
        f"/api/v2/assignments/{slot}", json={"fee": "30"}, headers=desk.assignor.headers
    )
    assert changed.status_code == 200, changed.text
    answer = await post_form(client, page, "Home 0 vs Away 0", "accept")
    after = await followed(client, answer)
    assert error_of(after) == STALE
    assert "changed since you loaded the page" in STALE
    state = await slot_state(client, desk, slot)
    assert (state["accepted"], state["lock_version"]) == (False, changed.json()["lock_version"])
    # the reloaded page carries the new lock_version and the answer goes through
    assert "Fee $30.00" in card_text(after.text, "Home 0 vs Away 0")
    done = await followed(client, await post_form(client, after, "Home 0 vs Away 0", "accept"))
    assert error_of(done) == "" and (await slot_state(client, desk, slot))["accepted"] is True


async def test_someone_elses_slot_and_garbage_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime, timezone=ZONE)
    game = await game_at(client, desk, soon(24 * 5), 0, partner=True)
    mine = desk.slot_of(game)
    theirs = game["_embedded"]["assignments"][1]["id"]
    before = await slot_state(client, desk, mine)
    home = await signed_in_client(client, desk.login)
    token = csrf_of(home.text)

    refused = await followed(
        client, await client.post(f"/games/assignments/{theirs}/accept", data={"csrf_token": token})
    )
    assert error_of(refused) == (
        NOT_RECORDED + "only the official holding this slot may respond to it."
    )
    assert (await slot_state(client, desk, theirs))["accepted"] is False

    for garbage in ("abc", "0", "-1", "1.5", "99999999999999999999999", "%20"):
        for action in ("accept", "decline"):
            answer = await client.post(
                f"/games/assignments/{garbage}/{action}", data={"csrf_token": token}
            )
            assert answer.status_code == 404, (garbage, answer.text)
            assert answer.headers["content-type"].startswith("text/html")
            assert "There is no such assignment" in answer.text
    missing = await followed(
        client, await client.post("/games/assignments/987654321/accept", data={"csrf_token": token})
    )
    assert error_of(missing) == NOT_RECORDED + "there is no such assignment."

    bad_lock = await followed(
        client,
        await client.post(
            f"/games/assignments/{mine}/accept", data={"csrf_token": token, "lock_version": "x"}
        ),
    )
    assert error_of(bad_lock) == NOT_RECORDED + "lock version is not a number."
    long_reason = await followed(
        client,
        await client.post(
            f"/games/assignments/{mine}/decline", data={"csrf_token": token, "reason": "x" * 501}
        ),
    )
    assert error_of(long_reason) == (
        NOT_RECORDED + "reason is too long (maximum is 500 characters)."
    )
    after = await slot_state(client, desk, mine)
    assert (after["accepted"], after["declined"], after["lock_version"]) == (
        False,
        False,
        before["lock_version"],
    )

    # an outside "next" is ignored: back to /games
    outside = await client.post(
        f"/games/assignments/{mine}/accept",
        data={"csrf_token": token, "next": "https://evil.example/games"},
    )
    assert outside.status_code == 303 and outside.headers["location"] == "/games"

    # bad windows fall back to the default one
    default = text_of(section((await client.get("/games")).text, "past"))
    for value in ("garbage", "1999-12-31", "2999-01-01", "2026-02-30", "%00", "20261101", ""):
        page = await client.get("/games", params={"before": value})
        assert page.status_code == 200, (value, page.text)
        assert text_of(section(page.text, "past")) == default, value


async def test_posts_without_a_csrf_token_or_a_session_change_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime, timezone=ZONE)
    game = await game_at(client, desk, soon(24 * 5), 0)
    slot = desk.slot_of(game)
    visitor = await client.get("/games")
    assert visitor.status_code == 303 and visitor.headers["location"] == "/"
    assert (await client.post(f"/games/assignments/{slot}/accept")).status_code == 303
    await signed_in_client(client, desk.login)
    for data in ({}, {"csrf_token": "forged"}):
        refused = await client.post(f"/games/assignments/{slot}/accept", data=data)
        assert refused.status_code == 403
        assert "without a valid security token" in refused.text
        refused = await client.post(
            f"/games/assignments/{slot}/decline", data={**data, "reason": "x"}
        )
        assert refused.status_code == 403
    state = await slot_state(client, desk, slot)
    assert (state["accepted"], state["declined"], state["lock_version"]) == (False, False, 1)


async def test_cancelled_and_changed_games_stand_out(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime, timezone=ZONE)
    moved = await game_at(client, desk, soon(24 * 5), 0)
    cancelled = await game_at(client, desk, soon(24 * 6), 1)
    noted = await game_at(client, desk, soon(24 * 7), 2)
    later_published = await game_at(client, desk, soon(24 * 8), 3, is_public="n")
    accepted_after = await game_at(client, desk, soon(24 * 9), 4)
    headers = desk.assignor.headers

    async def edit(game: dict[str, object], **fields: object) -> None:
        answer = await client.patch(f"/api/v2/games/{game['id']}", json=fields, headers=headers)
        assert answer.status_code == 200, answer.text

    await edit(moved, date_time=(soon(24 * 5 + 2)).strftime("%Y-%m-%dT%H:%M:00+00:00"))
    await edit(moved, subvenue="Field 7")
    await edit(cancelled, status="X")
    await edit(noted, private_note="assignor only")
    await edit(later_published, subvenue="Field 9")  # before the officials could see it
    await edit(later_published, is_public="y")
    await edit(accepted_after, subvenue="Field 3")
    await signed_in_client(client, desk.login)
    page = await client.get("/games")
    # the official accepts the changed game: it is no longer "changed" for them
    page = await followed(client, await post_form(client, page, "Home 4 vs Away 4", "accept"))
    found = cards(page.text)

    card = found["Home 0 vs Away 0"]
    assert '<span class="badge badge-changed">Changed</span>' in card
    assert "Changed since you were assigned or last answered: date and time, field." in text_of(
        card
    )
    assert "Riverside Park (Field 7)" in text_of(card)

    card = found["Home 1 vs Away 1"]
    assert '<span class="badge badge-cancelled">Cancelled (paid)</span>' in card
    assert "This game was cancelled" in text_of(card)
    assert "<form" not in card and "badge-changed" not in card
    assert "Status Not answered" in text_of(card)

    for teams in ("Home 2 vs Away 2", "Home 3 vs Away 3", "Home 4 vs Away 4"):
        assert "badge" not in found[teams] and "Changed since" not in found[teams], teams
    assert "Riverside Park (Field 9)" in text_of(found["Home 3 vs Away 3"])

    # a cancelled game that is reinstated is a change
    await edit(cancelled, status="A")
    card = cards((await client.get("/games")).text)["Home 1 vs Away 1"]
    assert "reinstated after a cancellation" in text_of(card) and "/accept" in card


async def test_a_person_who_is_no_official_here(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime, name="Harbor League")
    assignor = await create_account(runtime, password=PASSWORD)
    await create_user(runtime, site, assignor, assignor=True, official=False)
    await signed_in_client(client, assignor.login)
    page = await client.get("/games")
    assert page.status_code == 200
    assert "You are not an official in Harbor League" in page.text
    assert "Upcoming games" not in page.text


async def test_an_assignor_who_officiates_has_no_decline_cut_off(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """As in the service: the cut-off is for officials; an assignor on their own slot may
    decline up to the start, so the page offers the form without a deadline."""
    desk = await make_desk(client, runtime, timezone=ZONE, cutoff_hours=36)
    promoted = await client.patch(
        f"/api/v2/users/{desk.user.id}", json={"assignor": "true"}, headers=desk.assignor.headers
    )
    assert promoted.status_code == 200, promoted.text
    game = await game_at(client, desk, soon(5), 0)
    await signed_in_client(client, desk.login)
    page = await client.get("/games")
    card = cards(page.text)["Home 0 vs Away 0"]
    assert "/decline" in card and "Declining closed" not in card and "decline until" not in card
    after = await followed(client, await post_form(client, page, "Home 0 vs Away 0", "decline"))
    assert error_of(after) == ""
    assert (await slot_state(client, desk, desk.slot_of(game)))["declined"] is True
