"""What the feed lists and how each event reads (contract §19.3 table): one VEVENT per slot
the account holds, not declined, in published games (any game where its user is assignor or
manager), from 30 days ago to 365 days ahead, across its sites."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from tests.factories import create_member
from tests.support.calendar import Desk, descriptor, feed_path, make_desk, parse, utc
from tests.support.games import load_site
from tests.support.queries import counting


async def feed(desk: Desk, who: Any = None) -> dict[str, dict[str, str]]:
    """The events of the feed of ``who`` (default the desk's official), by UID."""
    member = who or desk.official
    path = feed_path((await descriptor(desk.client, member))["url"])
    resp = await desk.client.get(path)
    assert resp.status_code == 200, resp.text
    return parse(resp.text).by_uid()


def uid(slot: int) -> str:
    return f"assignment-{slot}@testserver"


async def api(desk: Desk, method: str, path: str, who: Any, body: Any = None) -> Any:
    resp = await desk.client.request(method, f"/api/v2{path}", json=body, headers=who.headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


async def test_one_event_reads_as_the_table_says(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime, name="Harbor Youth Soccer")
    partner = await create_member(
        runtime, await load_site(runtime, desk.site_id), first_name="Sam", last_name="Lee"
    )
    game, slot = await desk.game(
        6,
        localized_time="9:00 AM",
        user_end_time_formatted="10:45 AM",
        user_defined_id="G-17",
    )
    second_slot = game["_embedded"]["assignments"][1]["id"]
    await api(
        desk,
        "POST",
        f"/assignments/{second_slot}/assign",
        desk.assignor,
        {"user_id": partner.user.id},
    )
    venue_id = game["_embedded"]["venue"]["id"]
    await api(
        desk,
        "PUT",
        f"/venues/{venue_id}",
        desk.assignor,
        {"street_1": "12 Shore Rd", "city": "Harbor City"},
    )
    before = datetime.now(UTC).replace(microsecond=0)
    events = await feed(desk)
    after = datetime.now(UTC)
    assert list(events) == [uid(slot)]
    event = events[uid(slot)]
    start = datetime.fromisoformat(game["start_time"]).astimezone(UTC)
    assert utc(event["DTSTART"]) == start and event["DTSTART"].endswith("Z")
    assert utc(event["DTEND"]) == start + timedelta(minutes=105)
    assert before <= utc(event["DTSTAMP"]) <= after
    assert event["SUMMARY"] == "Referee: Hawks vs Falcons"
    assert event["LOCATION"] == "Riverside Park, Field 2, 12 Shore Rd, Harbor City"
    assert event["DESCRIPTION"] == (
        "Site: Harbor Youth Soccer\n"
        "Age group: U12 Boys\n"
        "League: Harbor League\n"
        "Game ID: G-17\n"
        "Co-officials:\n"
        "Assistant Referee: Sam Lee\n"
        "Note: Arrive <early>.\n\nBring flags\nand whistle"
    )
    assert event["STATUS"] == "TENTATIVE"
    assert event["URL"] == f"https://testserver/api/v2/games/{game['id']}.json"
    now_game = await api(desk, "GET", f"/games/{game['id']}", desk.assignor)
    now_slot = await api(desk, "GET", f"/assignments/{slot}", desk.assignor)
    assert event["SEQUENCE"] == str(now_game["lock_version"] + now_slot["lock_version"])
    # the partner's feed has the partner's slot, with the official as co-official
    theirs = await feed(desk, partner)
    assert list(theirs) == [uid(second_slot)]
    assert theirs[uid(second_slot)]["SUMMARY"] == "Assistant Referee: Hawks vs Falcons"
    assert "Referee: Alex Rivera" in theirs[uid(second_slot)]["DESCRIPTION"]


async def test_status_follows_acceptance_and_cancellation(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime)
    game, slot = await desk.game(8, user_defined_id=None, league_name=None)
    first = (await feed(desk))[uid(slot)]
    assert first["STATUS"] == "TENTATIVE"
    assert utc(first["DTEND"]) - utc(first["DTSTART"]) == timedelta(minutes=60)  # no end_time
    assert "League" not in first["DESCRIPTION"] and "Game ID" not in first["DESCRIPTION"]
    await api(desk, "POST", f"/assignments/{slot}/accept", desk.official)
    accepted = (await feed(desk))[uid(slot)]
    assert accepted["STATUS"] == "CONFIRMED"
    assert int(accepted["SEQUENCE"]) > int(first["SEQUENCE"])
    current = await api(desk, "GET", f"/games/{game['id']}", desk.assignor)
    await api(
        desk,
        "PUT",
        f"/games/{game['id']}",
        desk.assignor,
        {"status": "X", "lock_version": current["lock_version"]},
    )
    cancelled = (await feed(desk))[uid(slot)]
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SUMMARY"] == "CANCELLED: Referee: Hawks vs Falcons"
    assert int(cancelled["SEQUENCE"]) > int(accepted["SEQUENCE"])


async def test_declined_slots_and_other_peoples_slots_are_left_out(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime)
    other = await create_member(runtime, await load_site(runtime, desk.site_id))
    _, kept = await desk.game(5)
    _, declined = await desk.game(6)
    _, theirs = await desk.game(7, user_id=other.user.id)
    await api(
        desk, "POST", f"/assignments/{declined}/decline", desk.official, {"reason": "Out of town"}
    )
    assert list(await feed(desk)) == [uid(kept)]
    assert list(await feed(desk, other)) == [uid(theirs)]


async def test_the_window_is_30_days_back_to_365_days_ahead(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime)
    slots = {days: (await desk.game(days))[1] for days in (-31, -29, 0, 364, 366)}
    events = await feed(desk)
    assert set(events) == {uid(slots[-29]), uid(slots[0]), uid(slots[364])}
    # in start order
    assert list(events) == [uid(slots[-29]), uid(slots[0]), uid(slots[364])]


async def test_unpublished_games_only_where_the_user_is_assignor_or_manager(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime)
    site = await load_site(runtime, desk.site_id)
    assignor = await create_member(runtime, site, assignor=True)
    manager = await create_member(runtime, site, manager=True)
    hidden = {"is_public": "n"}
    _, official_slot = await desk.game(4, **hidden)
    _, assignor_slot = await desk.game(5, user_id=assignor.user.id, **hidden)
    _, manager_slot = await desk.game(6, user_id=manager.user.id, **hidden)
    _, published = await desk.game(7)
    assert list(await feed(desk)) == [uid(published)]
    assert list(await feed(desk, assignor)) == [uid(assignor_slot)]
    assert list(await feed(desk, manager)) == [uid(manager_slot)]
    assert official_slot not in (assignor_slot, manager_slot)


async def test_all_the_accounts_sites_but_not_lapsed_sites_or_inactive_profiles(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    harbor = await make_desk(client, runtime, name="Harbor")
    valley = await make_desk(client, runtime, name="Valley")
    lapsing = await make_desk(client, runtime, name="Lapsing")
    # one person with a profile in each site: the desks' officials are three accounts, so
    # give Harbor's account profiles in the other two sites
    person = harbor.official
    profiles = {}
    for desk in (valley, lapsing):
        async with runtime.db.transaction() as session:
            user = User(
                site_id=desk.site_id,
                account_id=person.account.id,
                first_name="Alex",
                last_name="Rivera",
                email_addresses=[person.account.email],
                official=True,
            )
            session.add(user)
        profiles[desk.site_id] = user
    _, in_harbor = await harbor.game(3)
    valley_game = await valley.game(4, user_id=profiles[valley.site_id].id)
    await lapsing.game(5, user_id=profiles[lapsing.site_id].id)
    events = await feed(harbor)
    assert len(events) == 3
    async with runtime.db.transaction() as session:
        await session.execute(
            update(Site).where(Site.id == lapsing.site_id).values(expires_on=date(2020, 1, 1))
        )
    events = await feed(harbor)
    assert set(events) == {uid(in_harbor), uid(valley_game[1])}
    assert "Site: Valley" in events[uid(valley_game[1])]["DESCRIPTION"]
    async with runtime.db.transaction() as session:
        await session.execute(
            update(User).where(User.id == profiles[valley.site_id].id).values(active=False)
        )
    assert set(await feed(harbor)) == {uid(in_harbor)}


async def test_the_calendar_name_is_the_accounts(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime)
    path = feed_path((await descriptor(client, desk.official))["url"])
    text = (await client.get(path)).text
    account = desk.official.account
    assert parse(text).properties["X-WR-CALNAME"] == f"refdesk – {account.name}"


async def test_the_feed_issues_the_same_statements_for_one_game_or_many(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await make_desk(client, runtime)
    path = feed_path((await descriptor(client, desk.official))["url"])
    await desk.game(3)
    counts = []
    for more in (0, 5):
        for n in range(more):
            await desk.game(10 + n)
        with counting(runtime) as statements:
            resp = await client.get(path)
        assert resp.status_code == 200
        counts.append((len(parse(resp.text).events), len(statements)))
    assert [events for events, _ in counts] == [1, 6]
    assert counts[0][1] == counts[1][1] <= 4, counts
