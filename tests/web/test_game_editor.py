"""The game editor (``/board/games/…``): create and edit through the API's services (names
found or created as the API does; the API then shows the game), validation errors by the
fields with the values kept, a stale ``lock_version`` answered with the conflict screen and
nothing written, both ways out of it, cancel and reinstate, delete after a confirmation,
publishing several games all or nothing, the roles the API refuses, CSRF and bad ids."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from refdesk.server.runtime import Runtime
from refdesk.server.web.page import CSRF_REFUSED
from refdesk.server.web.pages.game_actions import STALE_STATUS
from tests.factories import create_member
from tests.support.games import load_site, make_game, setup_site
from tests.support.oauth import csrf_of
from tests.support.web import signed_in_client
from tests.support.web_editor import (
    Office,
    conflict_rows,
    editor_form,
    error_of,
    make_office,
    notice_of,
    options_of,
    person_in,
)
from tests.support.web_games import text_of

ZONE = "America/New_York"


@pytest.fixture
async def edited(client: httpx.AsyncClient, runtime: Runtime) -> tuple[Office, int]:
    """An assignor's office signed in on ``client``, and one game it created."""
    office = await make_office(client, runtime)
    await signed_in_client(client, office.login)
    return office, await created_game(client, office)


def day(n: int = 10) -> str:
    return (datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=n)).isoformat()


async def api_game(client: httpx.AsyncClient, office: Office, game_id: int) -> dict[str, Any]:
    answer = await client.get(f"/api/v2/games/{game_id}", headers=office.headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def api_games(client: httpx.AsyncClient, office: Office) -> list[dict[str, Any]]:
    answer = await client.get(
        f"/api/v2/sites/{office.site_id}/games?limit=50", headers=office.headers
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["_embedded"]["games"])


async def followed(client: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    assert answer.status_code == 303, answer.text
    page = await client.get(answer.headers["location"])
    assert page.status_code == 200, page.text
    return page


async def new_form(client: httpx.AsyncClient, **values: str) -> dict[str, str]:
    page = await client.get("/board/games/new")
    assert page.status_code == 200, page.text
    action, fields = editor_form(page.text)
    assert action == "/board/games/new"
    pattern = options_of(page.text, "pattern_id")["3 officials"]
    return {**fields, "pattern_id": pattern, **values}


GAME_FORM = {
    "localized_time": "10:30",
    "venue_name": "riverside park",  # the API's venue, another case
    "subvenue": "Field 4",
    "home_team_name": "Hawks",
    "away_team_name": "Ospreys",  # new: created by the service
    "age_group_name": "U12 Boys",
    "league_name": "Coastal Cup",  # new
    "is_public": "yes",
    "public_note": "Bring\r\nflags",
}


async def created_game(client: httpx.AsyncClient, office: Office, **values: str) -> int:
    data = await new_form(client, **{"localized_date": day(), **GAME_FORM, **values})
    answer = await client.post("/board/games/new", data=data)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].split("/")[3])


async def test_create_finds_or_creates_the_names_as_the_api_does(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    first = await make_game(client, office.site_id, office.api.headers)  # Riverside Park, Hawks
    await signed_in_client(client, office.login)
    page = await client.get("/board/games/new?day=" + day(12))
    assert "<h1>New game</h1>" in page.text and "times in America/New_York" in page.text
    _, fields = editor_form(page.text)
    assert fields["localized_date"] == day(12)
    assert fields["assignor_id"] == str(office.user.id)  # the API's default: the creator
    assert '<option value="Riverside Park">' in page.text  # the site's names suggested
    data = {
        **fields,
        "localized_date": day(12),
        **GAME_FORM,
        "pattern_id": options_of(page.text, "pattern_id")["3 officials"],
    }
    answer = await client.post("/board/games/new", data=data)
    assert answer.status_code == 303, answer.text
    game_id = int(answer.headers["location"].split("/")[3])
    assert answer.headers["location"] == f"/board/games/{game_id}/edit"
    edit = await followed(client, answer)
    assert notice_of(edit.text).startswith("Game created: Hawks vs Ospreys, ")
    assert "10:30 AM" in notice_of(edit.text)

    game = await api_game(client, office, game_id)
    assert game["localized_time"] == "10:30 AM"
    assert game["start_time"].startswith(day(12) + "T10:30:00")
    assert game["venue_id"] == first["venue_id"]  # found, not created again
    assert game["home_team_id"] == first["home_team_id"]
    assert game["away_team"] == "Ospreys" and game["away_team_id"] != first["away_team_id"]
    assert game["league"] == "Coastal Cup" and game["pattern"] == "3 officials"
    assert game["subvenue"] == "Field 4" and game["published"] is True
    assert game["public_note"] == "Bring\nflags"
    assert game["assignor_id"] == office.user.id
    assert len(game["_embedded"]["assignments"]) == 3  # one vacant slot per position
    # the editor shows the saved values
    _, shown = editor_form(edit.text)
    assert shown["venue_name"] == "Riverside Park" and shown["away_team_name"] == "Ospreys"
    assert shown["lock_version"] == str(game["lock_version"])


async def test_validation_errors_come_back_by_the_fields_with_the_values_kept(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    await signed_in_client(client, office.login)
    data = await new_form(
        client,
        localized_date=day(),
        localized_time="25:99",
        venue_name="",
        home_team_name="Hawks",
        away_team_name="hawks",
        age_group_name="U10",
        subvenue="Pitch <7>",
    )
    answer = await client.post("/board/games/new", data=data)
    assert answer.status_code == 422, answer.text
    text = text_of(answer.text)
    assert "The game was not saved. Nothing changed." in text
    assert (
        '<p class="field-error" id="error-venue_name">Venue can&#39;t be blank.</p>' in answer.text
    )
    assert 'id="error-localized_time">Start time is not a valid time.' in answer.text
    assert "Away team can't be the same as the home team" in text
    assert 'aria-invalid="true"' in answer.text
    _, kept = editor_form(answer.text)
    assert kept["subvenue"] == "Pitch <7>" and kept["away_team_name"] == "hawks"
    assert kept["localized_time"] == "25:99" and kept["age_group_name"] == "U10"
    assert await api_games(client, office) == []  # nothing written


async def test_an_edit_saves_the_changed_fields_and_the_api_shows_them(
    client: httpx.AsyncClient, edited: tuple[Office, int]
) -> None:
    office, game_id = edited
    before = await api_game(client, office, game_id)
    page = await client.get(f"/board/games/{game_id}/edit")
    assert page.status_code == 200 and "<h1>Edit game</h1>" in page.text
    action, fields = editor_form(page.text)
    assert fields["orig_subvenue"] == "Field 4"  # the originals travel in hidden fields
    fields.update(localized_time="18:15", subvenue="Field 1", user_end_time_formatted="19:45")
    fields.pop("is_public")  # unticked: unpublished
    edit = await followed(client, await client.post(action, data=fields))
    assert "Saved Hawks vs Ospreys" in notice_of(edit.text)
    assert "(Start time, End time, Field or court, Published)" in notice_of(edit.text)
    game = await api_game(client, office, game_id)
    assert game["localized_time"] == "6:15 PM" and game["localized_end_time"] == "7:45 PM"
    assert game["subvenue"] == "Field 1" and game["published"] is False
    assert game["lock_version"] == before["lock_version"] + 1
    assert game["away_team"] == "Ospreys" and game["public_note"] == before["public_note"]
    # clearing the end time reverts to the age group's length
    action, fields = editor_form(edit.text)
    fields["user_end_time_formatted"] = ""
    await followed(client, await client.post(action, data=fields))
    assert (await api_game(client, office, game_id))["localized_end_time"] == "7:15 PM"


async def test_a_stale_edit_shows_the_conflict_and_writes_nothing_then_mine_on_top(
    client: httpx.AsyncClient, edited: tuple[Office, int]
) -> None:
    office, game_id = edited
    page = await client.get(f"/board/games/{game_id}/edit")
    action, fields = editor_form(page.text)
    # someone else saves the game through the API meanwhile
    theirs = await client.patch(
        f"/api/v2/games/{game_id}",
        json={"subvenue": "Field 9", "public_note": "Lights on", "lock_version": 0},
        headers=office.api.headers,
    )
    assert theirs.status_code == 200, theirs.text
    fields.update(subvenue="Field 3", home_team_name="Herons")
    answer = await client.post(action, data=fields)
    assert answer.status_code == 409, answer.text
    assert "Your changes were not saved" in text_of(answer.text)
    rows = conflict_rows(answer.text)
    assert rows["Field or court"] == ("Field 3", "Field 9", "Field 4")
    assert rows["Home team"] == ("Herons", "Hawks", "Hawks")
    assert rows["Note for officials"] == ("Bring\nflags", "Lights on", "Bring\nflags")
    assert set(rows) == {"Field or court", "Home team", "Note for officials"}
    assert "both changed" in answer.text
    game = await api_game(client, office, game_id)
    assert game["subvenue"] == "Field 9" and game["home_team"] == "Hawks"  # nothing written
    assert game["lock_version"] == 1

    # apply mine on top: my two changes with the current lock_version; their note stays
    target, again = editor_form(answer.text, f"/board/games/{game_id}/edit")
    assert again["lock_version"] == "1"
    done = await followed(client, await client.post(target, data=again))
    assert "(Field or court, Home team)" in notice_of(done.text)
    game = await api_game(client, office, game_id)
    assert game["subvenue"] == "Field 3" and game["home_team"] == "Herons"
    assert game["public_note"] == "Lights on" and game["lock_version"] == 2


async def test_use_theirs_reloads_the_game_as_it_is_now(
    client: httpx.AsyncClient, edited: tuple[Office, int]
) -> None:
    office, game_id = edited
    action, fields = editor_form((await client.get(f"/board/games/{game_id}/edit")).text)
    await client.patch(
        f"/api/v2/games/{game_id}", json={"localized_time": "8:00 PM"}, headers=office.api.headers
    )
    fields["localized_time"] = "11:00"
    answer = await client.post(action, data=fields)
    assert answer.status_code == 409
    assert conflict_rows(answer.text)["Start time"] == ("11:00 AM", "8:00 PM", "10:30 AM")
    link = (
        f'<a class="button-link" href="/board/games/{game_id}/edit">Use theirs and edit again</a>'
    )
    assert link in answer.text
    fresh = await client.get(f"/board/games/{game_id}/edit")
    _, now = editor_form(fresh.text)
    assert now["localized_time"] == "20:00" and now["lock_version"] == "1"
    assert (await api_game(client, office, game_id))["localized_time"] == "8:00 PM"


async def test_cancel_and_reinstate_as_the_api_does(
    client: httpx.AsyncClient, edited: tuple[Office, int]
) -> None:
    office, game_id = edited
    page = await client.get(f"/board/games/{game_id}/edit")
    status_form = f"/board/games/{game_id}/status"
    _, fields = editor_form(page.text, status_form)
    cancelled = await followed(
        client, await client.post(status_form, data={**fields, "status": "X"})
    )
    assert notice_of(cancelled.text).startswith("Cancelled: Hawks vs Ospreys")
    assert "Cancelled (officials paid)" in cancelled.text and "Reinstate the game" in cancelled.text
    game = await api_game(client, office, game_id)
    assert game["status"] == "X" and game["cancelled"] is True
    # the old form (stale lock_version) is refused, nothing changed
    stale = await followed(client, await client.post(status_form, data={**fields, "status": "A"}))
    assert error_of(stale.text) == STALE_STATUS
    assert (await api_game(client, office, game_id))["status"] == "X"
    _, fresh = editor_form(stale.text, status_form)
    back = await followed(client, await client.post(status_form, data={**fresh, "status": "A"}))
    assert notice_of(back.text).startswith("Reinstated: ")
    assert (await api_game(client, office, game_id))["status"] == "A"


async def test_delete_after_a_confirmation_and_refused_to_an_official(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    site = await load_site(runtime, office.site_id)
    official = await create_member(
        runtime, site, official=True, first_name="Robin", last_name="Ref"
    )
    await signed_in_client(client, office.login)
    game_id = await created_game(client, office)
    slot = (await api_game(client, office, game_id))["_embedded"]["assignments"][0]["id"]
    assigned = await client.post(
        f"/api/v2/assignments/{slot}/assign",
        json={"user_id": official.user.id},
        headers=office.headers,
    )
    assert assigned.status_code == 200, assigned.text
    edit = await client.get(f"/board/games/{game_id}/edit")
    assert f'href="/board/games/{game_id}/delete"' in edit.text
    confirm = await client.get(f"/board/games/{game_id}/delete")
    assert confirm.status_code == 200
    assert "These officials hold a slot and lose it: Robin Ref." in text_of(confirm.text)
    assert (await api_game(client, office, game_id))["id"] == game_id  # asking deletes nothing

    # an official of the site: the API refuses, so does the page
    other = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with other:
        await signed_in_client(other, await person_in(runtime, office, official=True))
        token = csrf_of((await other.get("/")).text)
        refused = await other.post(f"/board/games/{game_id}/delete", data={"csrf_token": token})
        assert refused.status_code == 303
        assert refused.headers["location"] == f"/board/games/{game_id}/delete"
        shown = await other.get(refused.headers["location"])
        assert (
            "The game was not deleted: Your roles in this site do not allow you to delete games"
            in error_of(shown.text)
        )
    assert (await api_game(client, office, game_id))["id"] == game_id

    _, fields = editor_form(confirm.text, f"/board/games/{game_id}/delete")
    answer = await client.post(f"/board/games/{game_id}/delete", data=fields)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/board?day={day()}"
    gone = await client.get(f"/api/v2/games/{game_id}", headers=office.headers)
    assert gone.status_code == 404
    again = await client.post(f"/board/games/{game_id}/delete", data=fields)
    assert again.headers["location"] == "/board"


async def test_publish_several_games_all_or_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    ids = [
        int(
            (
                await make_game(
                    client,
                    office.site_id,
                    office.api.headers,
                    is_public="n",
                    localized_time=f"{h}:00 AM",
                )
            )["id"]
        )
        for h in (8, 9, 10)
    ]
    other_site, other_assignor = await setup_site(client, runtime)
    foreign = int(
        (await make_game(client, other_site, other_assignor.headers, is_public="n"))["id"]
    )
    await signed_in_client(client, office.login)
    token = csrf_of((await client.get("/")).text)
    # one game of a site where the assignor has no profile: nothing is published
    answer = await client.post(
        "/board/games/publish",
        data={
            "csrf_token": token,
            "action": "publish",
            "game_id": [ids[0], ids[1], foreign],
            "next": "/board?day=" + day(),
        },
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/board?day=" + day()
    page = await client.get("/")  # any page shows the one-shot message
    assert error_of(page.text) == (
        f"Nothing was published: game {foreign}: You have no active profile in this site"
    )
    assert [(await api_game(client, office, i))["published"] for i in ids] == [False] * 3
    # all three
    answer = await client.post(
        "/board/games/publish",
        data={"csrf_token": token, "action": "publish", "game_id": [str(i) for i in ids]},
    )
    page = (
        await followed(client, answer)
        if answer.headers["location"] != "/board"
        else await client.get("/")
    )
    assert notice_of(page.text) == "Published 3 games."
    assert [(await api_game(client, office, i))["published"] for i in ids] == [True] * 3
    # unpublish with an unknown id among them: refused, all stay published
    answer = await client.post(
        "/board/games/publish",
        data={"csrf_token": token, "action": "unpublish", "game_id[]": [ids[0], 987654, ids[2]]},
    )
    assert error_of((await client.get("/")).text).startswith(
        "Nothing was unpublished: game 987654: "
    )
    assert [(await api_game(client, office, i))["published"] for i in ids] == [True] * 3
    answer = await client.post(
        "/board/games/publish",
        data={"csrf_token": token, "action": "unpublish", "game_id[]": [ids[0], ids[2]]},
    )
    assert notice_of((await client.get("/")).text) == "Unpublished 2 games."
    assert [(await api_game(client, office, i))["published"] for i in ids] == [False, True, False]
    answer = await client.post(
        "/board/games/publish",
        data={"csrf_token": token, "action": "unpublish", "game_id": [ids[0], ids[1]]},
    )
    assert notice_of((await client.get("/")).text) == "Unpublished 2 games (1 already unpublished)."


async def test_officials_are_refused_and_managers_may_what_the_api_allows(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    game_id = int((await make_game(client, office.site_id, office.api.headers))["id"])
    official = await person_in(runtime, office, official=True)
    await signed_in_client(client, official)
    polite = await client.get("/board/games/new")
    assert polite.status_code == 200
    assert "The game editor is for the assignors and managers of a site" in polite.text
    assert 'class="editor"' not in polite.text
    edit = await client.get(f"/board/games/{game_id}/edit")  # a published game they can see
    assert edit.status_code == 200 and 'class="editor"' not in edit.text
    token = csrf_of(polite.text)
    answer = await client.post(
        "/board/games/new",
        data={"csrf_token": token, "localized_date": day(), **GAME_FORM, "pattern_name": "x"},
    )
    page = await followed(client, answer)
    assert error_of(page.text) == "Your roles in this site do not allow you to create games"
    answer = await client.post(
        f"/board/games/{game_id}/edit",
        data={
            "csrf_token": token,
            "lock_version": "0",
            "subvenue": "X",
            "orig_subvenue": "Field 2",
        },
    )
    page = await followed(client, answer)
    assert error_of(page.text) == "Your roles in this site do not allow you to change games"
    assert (await api_game(client, office, game_id))["subvenue"] == "Field 2"
    assert len(await api_games(client, office)) == 1

    manager = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with manager:
        await signed_in_client(
            manager, await person_in(runtime, office, manager=True, official=False)
        )
        new = await created_game(manager, office, home_team_name="Managers")
        assert (await api_game(client, office, new))["home_team"] == "Managers"
        assert (await api_game(client, office, new))["assignor_id"] is None  # not an assignor


async def test_csrf_and_bad_ids(client: httpx.AsyncClient, runtime: Runtime) -> None:
    office = await make_office(client, runtime)
    game_id = int((await make_game(client, office.site_id, office.api.headers))["id"])
    other_site, other_assignor = await setup_site(client, runtime)
    foreign = int((await make_game(client, other_site, other_assignor.headers))["id"])
    await signed_in_client(client, office.login)
    data = await new_form(client, localized_date=day(), **GAME_FORM)
    for sent in ({k: v for k, v in data.items() if k != "csrf_token"}, {**data, "csrf_token": "x"}):
        refused = await client.post("/board/games/new", data=sent)
        assert refused.status_code == 403 and CSRF_REFUSED in refused.text
    _, fields = editor_form((await client.get(f"/board/games/{game_id}/edit")).text)
    refused = await client.post(
        f"/board/games/{game_id}/edit", data={**fields, "subvenue": "Z", "csrf_token": ""}
    )
    assert refused.status_code == 403
    assert len(await api_games(client, office)) == 1
    assert (await api_game(client, office, game_id))["subvenue"] == "Field 2"
    for path in (
        "/board/games/abc/edit",
        "/board/games/987654/edit",
        "/board/games/0/delete",
        "/board/games/99999999999999999999/edit",
    ):
        answer = await client.get(path)
        assert answer.status_code == 404, path
        assert "There is no such game" in answer.text and "<!DOCTYPE html>" in answer.text
    answer = await client.get(f"/board/games/{foreign}/edit")
    assert answer.status_code == 403 and "You have no active profile in this site" in answer.text
    answer = await client.post("/board/games/987654/edit", data={**fields})
    assert answer.status_code == 303 and error_of((await client.get("/")).text) == (
        "There is no such game (it may have been deleted). Go back to the board and try again."
    )


async def test_a_cancellation_meanwhile_is_listed_and_kept_by_mine_on_top(
    client: httpx.AsyncClient, edited: tuple[Office, int]
) -> None:
    office, game_id = edited
    action, fields = editor_form((await client.get(f"/board/games/{game_id}/edit")).text)
    cancelled = await client.patch(
        f"/api/v2/games/{game_id}", json={"status": "C"}, headers=office.api.headers
    )
    assert cancelled.status_code == 200, cancelled.text
    fields["private_note"] = "Check the lights"
    answer = await client.post(action, data=fields)
    assert answer.status_code == 409
    rows = conflict_rows(answer.text)
    assert rows["Status"] == ("Active", "Cancelled (no fee)", "Active")
    assert rows["Private note"] == ("Check the lights", "(empty)", "(empty)")
    target, again = editor_form(answer.text, f"/board/games/{game_id}/edit")
    await followed(client, await client.post(target, data=again))
    game = await api_game(client, office, game_id)
    assert game["status"] == "C" and game["private_note"] == "Check the lights"
