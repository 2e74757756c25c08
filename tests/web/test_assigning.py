"""The assigning panel (``/board/slots/{id}``): the slot and its game in the site's zone, the
candidates exactly as the API lists them (order and conflict codes) with each code explained
in words, grade and load; assigning, replacing and unassigning through the API's services (the
API then shows the holder); stale pages, people who may not assign, other sites' slots and
CSRF-less posts refused with nothing changed; the panel renders in the same number of SQL
statements for 3, 30 and 60 candidates with few or many games around it."""

from __future__ import annotations

import html
from datetime import date, timedelta

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.web.assigning import CONFLICT_SENTENCES
from refdesk.server.web.pages.assigning import NOT_STAFF, STALE
from tests.factories import create_site
from tests.support.games import load_site, make_game, setup_site
from tests.support.oauth import csrf_of
from tests.support.queries import counting
from tests.support.web import error_of, followed, notice_of, signed_in_client, text_of
from tests.support.web_assigning import (
    Panel,
    api_candidates,
    api_slot,
    assign_api,
    available_on,
    card_text,
    cards,
    codes_of,
    form_fields,
    holder_of,
    make_panel,
    person,
)


async def open_panel(client: httpx.AsyncClient, panel: Panel, login: str, query: str = "") -> str:
    await signed_in_client(client, login)
    page = await client.get(panel.href + query)
    assert page.status_code == 200, page.text
    return page.text


async def post(
    client: httpx.AsyncClient, page: str, action: str, user_id: int | None = None, **extra: str
) -> httpx.Response:
    fields = form_fields(page, action, user_id)
    return await client.post(action, data={**fields, **extra})


async def test_candidates_are_the_apis_with_their_conflicts_in_words(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    panel = await make_panel(client, runtime)
    expected = await api_candidates(client, panel)
    page = await open_panel(client, panel, panel.assignor)
    found = cards(page)
    assert [(uid, codes_of(card)) for uid, card in found.items()] == expected
    assert dict(expected)[panel.busy.id] == ["D"]
    assert dict(expected)[panel.away.id] == ["E"]
    assert dict(expected)[panel.avail.id] == []
    for uid, codes in expected:
        text = card_text(found[uid])
        for code in codes:
            assert CONFLICT_SENTENCES[code] in text
    assert "Not available" in card_text(found[panel.busy.id])
    assert "No conflicts." in card_text(found[panel.avail.id])
    # grade and load: Alex holds the 2 PM game of the same day
    assert "Grade: Grade 7" in card_text(found[panel.avail.id])
    assert "1 that day · 1 that week · 1 that month" in card_text(found[panel.avail.id])
    assert "0 that day · 0 that week · 0 that month" in card_text(found[panel.busy.id])
    # the slot: game in the site's zone, teams, venue, age group, position, vacant
    words = html.unescape(text_of(page))
    assert "Hawks vs Falcons" in words and "Riverside Park" in words and "U12 Boys" in words
    assert "9:00 AM" in words and "times in America/Los_Angeles" in words
    assert "Assign Referee" in words and "nobody (vacant)" in words


def test_every_code_has_one_sentence() -> None:
    from refdesk.server.assignments.conflicts import CODES

    assert tuple(CONFLICT_SENTENCES) == CODES
    assert len(set(CONFLICT_SENTENCES.values())) == len(CODES)


async def test_filters_name_and_hide_conflicts(client: httpx.AsyncClient, runtime: Runtime) -> None:
    panel = await make_panel(client, runtime)
    page = await open_panel(client, panel, panel.assignor, "?q=busy")
    assert list(cards(page)) == [panel.busy.id]
    page = (await client.get(panel.href + "?hide=1")).text
    ok = await api_candidates(client, panel, ok="true")
    assert list(cards(page)) == [uid for uid, _ in ok] == [panel.avail.id]
    assert 'name="hide" value="1" checked' in page


async def test_assign_replace_unassign_as_the_api_sees_them(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    panel = await make_panel(client, runtime)
    page = await open_panel(client, panel, panel.assignor)
    answer = await post(client, page, panel.href + "/assign", panel.busy.id)
    assert answer.headers["location"] == panel.href
    after = await followed(client, answer)
    assert notice_of(after).startswith("Assigned Blair Busy on Referee, Hawks vs Falcons")
    slot = await api_slot(client, panel)
    assert holder_of(slot) == panel.busy.id and slot["accepted"] is False
    assert "Blair Busy" in text_of(after.text) and "Assigned, awaiting an answer" in after.text
    # replace: the API's assign replaces the holder
    answer = await post(client, after.text, panel.href + "/assign", panel.avail.id)
    after = await followed(client, answer)
    assert notice_of(after).startswith("Assigned Alex Avail on Referee")
    assert holder_of(await api_slot(client, panel)) == panel.avail.id
    assert "Replace with Blair Busy" in after.text
    # unassign
    answer = await post(client, after.text, panel.href + "/unassign")
    after = await followed(client, answer)
    assert notice_of(after).startswith("Unassigned Alex Avail on Referee")
    assert holder_of(await api_slot(client, panel)) is None
    assert "nobody (vacant)" in after.text


async def test_back_to_the_boards_day(client: httpx.AsyncClient, runtime: Runtime) -> None:
    panel = await make_panel(client, runtime)
    page = await open_panel(client, panel, panel.assignor)
    board = f"/board?day={panel.day}"
    answer = await post(client, page, panel.href + "/assign", panel.avail.id, next=board)
    assert answer.status_code == 303 and answer.headers["location"] == board
    bad = await post(client, page, panel.href + "/assign", panel.busy.id, next="https://x.y/")
    assert bad.headers["location"] == panel.href  # stale now, but never off-site


async def test_stale_lock_version_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    panel = await make_panel(client, runtime)
    page = await open_panel(client, panel, panel.assignor)
    await assign_api(client, panel.api, panel.slot_id, panel.away.id)  # someone else was quicker
    answer = await post(client, page, panel.href + "/assign", panel.avail.id)
    after = await followed(client, answer)
    assert error_of(after) == STALE
    assert holder_of(await api_slot(client, panel)) == panel.away.id
    assert f'action="{panel.href}/unassign"' not in page  # a vacant slot: no unassign form
    fresh = (await client.get(panel.href)).text
    await assign_api(client, panel.api, panel.slot_id, panel.busy.id)
    after = await followed(client, await post(client, fresh, panel.href + "/unassign"))
    assert error_of(after) == STALE
    assert holder_of(await api_slot(client, panel)) == panel.busy.id


async def test_an_official_who_already_holds_a_slot_of_the_game_is_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    panel = await make_panel(client, runtime)
    other = panel.game["_embedded"]["assignments"][1]["id"]
    page = await open_panel(client, panel, panel.assignor)
    await assign_api(client, panel.api, other, panel.avail.id)
    answer = await post(client, page, panel.href + "/assign", panel.avail.id)
    after = await followed(client, answer)
    assert error_of(after) == "Nothing was changed: the official already holds a slot in this game."
    assert holder_of(await api_slot(client, panel)) is None


async def test_managers_assign_as_in_the_api(client: httpx.AsyncClient, runtime: Runtime) -> None:
    panel = await make_panel(client, runtime)
    page = await open_panel(client, panel, panel.manager)
    assert list(cards(page)) == [uid for uid, _ in await api_candidates(client, panel)]
    after = await followed(client, await post(client, page, panel.href + "/assign", panel.avail.id))
    assert notice_of(after).startswith("Assigned Alex Avail")
    assert holder_of(await api_slot(client, panel)) == panel.avail.id


async def test_an_official_gets_a_polite_page_and_is_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    panel = await make_panel(client, runtime)
    assignor_page = await open_panel(client, panel, panel.assignor)
    client.cookies.clear()
    page = await open_panel(client, panel, panel.official)
    assert html.unescape(NOT_STAFF) in html.unescape(page) and "candidate-" not in page
    fields = form_fields(assignor_page, panel.href + "/assign", panel.busy.id)
    fields["csrf_token"] = csrf_of(page)
    answer = await client.post(panel.href + "/assign", data=fields)
    after = await followed(client, answer)
    assert "do not allow you to assign officials" in error_of(after)
    assert holder_of(await api_slot(client, panel)) is None


async def test_another_sites_slot_is_the_404_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    panel = await make_panel(client, runtime)
    other_site, other_api = await setup_site(client, runtime)
    game = await make_game(client, other_site, other_api.headers)
    slot = game["_embedded"]["assignments"][0]["id"]
    page = await open_panel(client, panel, panel.assignor)
    missing = await client.get(f"/board/slots/{slot}")
    assert missing.status_code == 404 and "There is no such slot" in missing.text
    assert (await client.get("/board/slots/abc")).status_code == 404
    fields = form_fields(page, panel.href + "/assign", panel.avail.id)
    answer = await client.post(f"/board/slots/{slot}/assign", data=fields)
    assert answer.status_code == 303
    assert "no such slot" in error_of(await client.get(answer.headers["location"]))
    got = await client.get(f"/api/v2/assignments/{slot}", headers=other_api.headers)
    assert "official" not in got.json().get("_embedded", {})
    assert (await create_site(runtime)).id != other_site


async def test_csrf_less_posts_are_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    panel = await make_panel(client, runtime)
    page = await open_panel(client, panel, panel.assignor)
    fields = form_fields(page, panel.href + "/assign", panel.avail.id)
    del fields["csrf_token"]
    answer = await client.post(panel.href + "/assign", data=fields)
    assert answer.status_code == 403 and "security token" in answer.text
    forged = await client.post(panel.href + "/assign", data={**fields, "csrf_token": "x" * 40})
    assert forged.status_code == 403
    assert holder_of(await api_slot(client, panel)) is None


async def test_declined_slot_shows_its_reason(client: httpx.AsyncClient, runtime: Runtime) -> None:
    panel = await make_panel(client, runtime)
    await assign_api(client, panel.api, panel.slot_id, panel.busy.id)
    declined = await client.post(
        f"/api/v2/assignments/{panel.slot_id}/decline",
        json={"reason": "Family wedding"},
        headers=panel.api.headers,
    )
    assert declined.status_code == 200, declined.text
    page = await open_panel(client, panel, panel.assignor)
    words = html.unescape(text_of(page))
    assert "Declined (reason: Family wedding)" in words
    assert "Unassign Blair Busy" in words
    found = cards(page)
    assert "holds this slot" in card_text(found[panel.busy.id])


async def sized_panel(
    client: httpx.AsyncClient, runtime: Runtime, name: str, officials: int, around: int
) -> tuple[int, str, int]:
    """A site with ``officials`` candidates (a third available, a third holding a game of the
    day) and ``around`` more games that day and week; -> (slot id, assignor login, candidates
    listed)."""
    site_id, api = await setup_site(client, runtime, use_abilities=False, name=name)
    site = await load_site(runtime, site_id)
    assignor, _ = await person(runtime, site, "Ada", "Assignor", assignor=True, official=False)
    users = [
        (await person(runtime, site, "Official", f"Number {i}", official=True, grade=f"G{i}"))[1]
        for i in range(officials)
    ]
    day = date.fromisoformat("2027-03-03")  # a Wednesday
    game = await make_game(client, site_id, api.headers, localized_date=day.isoformat())
    for i in range(around):
        other = await make_game(
            client,
            site_id,
            api.headers,
            localized_date=(day + timedelta(days=i % 5 - 2)).isoformat(),
            localized_time=f"{1 + i % 11}:00 PM",
            home_team_name=f"Home {i}",
            away_team_name=f"Away {i}",
            venue_name=f"Venue {i % 4}",
        )
        slots = other["_embedded"]["assignments"]
        await assign_api(client, api, slots[0]["id"], users[i % officials].id)
        if i % 2:
            await assign_api(client, api, slots[1]["id"], users[(i + 1) % officials].id)
    for i, user in enumerate(users):
        if i % 3 == 0:
            await available_on(client, api, user, day.isoformat())
    slot_id = int(game["_embedded"]["assignments"][0]["id"])
    return slot_id, assignor.login, officials


async def test_panel_statements_do_not_grow_with_candidates_or_games(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    counts = []
    for n, (officials, around) in enumerate([(3, 1), (30, 24), (60, 24)]):
        slot_id, login, expected = await sized_panel(
            client, runtime, f"Panel size {n}", officials, around
        )
        client.cookies.clear()
        await signed_in_client(client, login)
        with counting(runtime) as statements:
            page = await client.get(f"/board/slots/{slot_id}")
        assert page.status_code == 200, page.text
        assert len(cards(page.text)) == expected
        counts.append(len(statements))
    # 60 candidates: two of the API's pages of 50, still one computation
    assert counts[0] == counts[1] == counts[2], counts
