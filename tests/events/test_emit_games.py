"""Game writes record the game events of contract §19.1 (through HTTP and the CLI import)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member
from tests.support.desk import Desk, desk_fixture  # noqa: F401
from tests.support.events import events_after, last_event_id, recorded_events
from tests.support.games import future_day, load_site, make_game, setup_site

GAME = "game"
SLOT = "assignment"


async def _put(
    client: httpx.AsyncClient, game: dict[str, Any], who: Member, **body: Any
) -> dict[str, Any]:
    resp = await client.put(f"/api/v2/games/{game['id']}", json=body, headers=who.headers)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


async def test_create_records_game_created_by_the_caller(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    game = await make_game(client, site_id, assignor.headers)
    events = await recorded_events(runtime)
    assert [(e.topic, e.resource_type, e.resource_id, e.game_id, e.data) for e in events] == [
        ("game.created", GAME, game["id"], game["id"], {})
    ]
    assert (events[0].site_id, events[0].actor_account_id) == (site_id, assignor.account.id)


async def test_update_names_the_changed_representation_fields(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    game = await make_game(client, site_id, assignor.headers)
    mark = await last_event_id(runtime)
    await _put(client, game, assignor, localized_time="10:30 AM", venue_name="Town Field")
    await _put(client, game, assignor, public_note="Moved", private_note="gate code 4")
    g, topic = game["id"], "game.updated"
    time_fields = ["start_time", "end_time", "localized_time", "localized_end_time"]
    assert await events_after(runtime, mark) == [
        (topic, GAME, g, g, {"changes": [*time_fields, "venue_id", "venue"]}),
        (topic, GAME, g, g, {"changes": ["public_note", "public_note_html", "private_note"]}),
    ]


async def test_a_write_that_changes_nothing_records_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    game = await make_game(client, site_id, assignor.headers)
    mark = await last_event_id(runtime)
    same = {k: game[k] for k in ("localized_time", "subvenue", "public_note", "published")}
    again = await _put(client, game, assignor, **same, venue_name="riverside park")
    assert again["lock_version"] == game["lock_version"]
    assert await events_after(runtime, mark) == []


async def test_publish_and_unpublish_are_updates(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    game = await make_game(client, site_id, assignor.headers, is_public="n")
    mark = await last_event_id(runtime)
    await _put(client, game, assignor, is_public="y")
    await _put(client, game, assignor, published="false")
    g = game["id"]
    assert await events_after(runtime, mark) == [
        ("game.updated", GAME, g, g, {"changes": ["published"]}),
        ("game.updated", GAME, g, g, {"changes": ["published"]}),
    ]


async def test_cancel_switch_and_uncancel(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    game = await make_game(client, site_id, assignor.headers)
    other = await make_game(client, site_id, assignor.headers, localized_time="2:00 PM")
    mark = await last_event_id(runtime)
    await _put(client, game, assignor, status="X")  # cancelled alone: one event
    await _put(client, game, assignor, status="C")  # X -> C: an update
    await _put(client, game, assignor, status="A")  # un-cancel: an update
    await _put(client, other, assignor, status="C", subvenue="Field 9")  # and a field
    g, o = game["id"], other["id"]
    assert await events_after(runtime, mark) == [
        ("game.cancelled", GAME, g, g, {"status": "X"}),
        ("game.updated", GAME, g, g, {"changes": ["status"]}),
        ("game.updated", GAME, g, g, {"changes": ["status", "cancelled"]}),
        ("game.cancelled", GAME, o, o, {"status": "C"}),
        ("game.updated", GAME, o, o, {"changes": ["subvenue"]}),
    ]


async def test_delete_records_game_deleted(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await load_site(runtime, site_id)
    official = await create_member(runtime, site)
    game = await make_game(client, site_id, assignor.headers)
    slot = game["_embedded"]["assignments"][0]["id"]
    assigned = await client.post(
        f"/api/v2/assignments/{slot}/assign",
        json={"official_id": official.user.id},
        headers=assignor.headers,
    )
    assert assigned.status_code == 200, assigned.text
    mark = await last_event_id(runtime)
    gone = await client.delete(f"/api/v2/games/{game['id']}", headers=assignor.headers)
    assert gone.status_code == 204
    g = game["id"]
    assert await events_after(runtime, mark) == [("game.deleted", GAME, g, g, {})]


async def test_unassign_action_records_one_event_per_vacated_slot(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await load_site(runtime, site_id)
    alex, blair = await create_member(runtime, site), await create_member(runtime, site)
    game = await make_game(client, site_id, assignor.headers)
    slots = [s["id"] for s in game["_embedded"]["assignments"]]
    for slot, who in zip(slots, (alex, blair), strict=False):
        await client.post(
            f"/api/v2/assignments/{slot}/assign",
            json={"official_id": who.user.id},
            headers=assignor.headers,
        )
    mark = await last_event_id(runtime)
    resp = await client.post(f"/api/v2/games/{game['id']}/unassign", headers=assignor.headers)
    assert resp.status_code == 200, resp.text
    g = game["id"]
    assert sorted(await events_after(runtime, mark), key=lambda e: e[2]) == [
        (
            "game.official.changed",
            SLOT,
            slots[0],
            g,
            {"action": "unassigned", "user_id": None, "previous_user_id": alex.user.id},
        ),
        (
            "game.official.changed",
            SLOT,
            slots[1],
            g,
            {"action": "unassigned", "user_id": None, "previous_user_id": blair.user.id},
        ),
    ]


async def test_pattern_change_removing_a_filled_slot(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await load_site(runtime, site_id)
    alex, blair = await create_member(runtime, site), await create_member(runtime, site)
    solo = await client.post(
        f"/api/v2/sites/{site_id}/patterns",
        json={"name": "Solo", "positions": ["Referee"]},
        headers=assignor.headers,
    )
    assert solo.status_code == 201, solo.text
    game = await make_game(client, site_id, assignor.headers)
    referee, first_ar, _ = (s["id"] for s in game["_embedded"]["assignments"])
    for slot, who in ((referee, alex), (first_ar, blair)):
        await client.post(
            f"/api/v2/assignments/{slot}/assign",
            json={"official_id": who.user.id},
            headers=assignor.headers,
        )
    mark = await last_event_id(runtime)
    changed = await _put(client, game, assignor, pattern_name="Solo")
    assert [s["id"] for s in changed["_embedded"]["assignments"]] == [referee]
    g = game["id"]
    assert await events_after(runtime, mark) == [
        ("game.updated", GAME, g, g, {"changes": ["pattern", "pattern_id"]}),
        (
            "game.official.changed",
            SLOT,
            first_ar,
            g,
            {"action": "removed", "user_id": None, "previous_user_id": blair.user.id},
        ),
    ]


async def test_new_game_length_moves_the_ends_it_computes(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    game = await make_game(client, site_id, assignor.headers)
    fixed = await make_game(
        client,
        site_id,
        assignor.headers,
        localized_time="1:00 PM",
        user_end_time_formatted="3:00 PM",
    )
    mark = await last_event_id(runtime)
    resp = await client.put(
        f"/api/v2/age_groups/{game['age_group_id']}",
        json={"game_length": 90},
        headers=assignor.headers,
    )
    assert resp.status_code == 200, resp.text
    g = game["id"]  # the game with an explicit end keeps it: no event for it
    changes = {"changes": ["end_time", "localized_end_time"]}
    assert await events_after(runtime, mark) == [("game.updated", GAME, g, g, changes)]
    assert fixed["localized_end_time"] == "3:00 PM"
    events = await recorded_events(runtime, "game.updated")
    assert events[-1].actor_account_id == assignor.account.id


async def test_csv_import_records_game_created_per_new_game(desk: Desk, tmp_path: Path) -> None:
    mark = await last_event_id(desk.runtime)
    day = future_day(30)
    path = tmp_path / "games.csv"
    path.write_text(
        "user_defined_id,date,time,venue,home_team,away_team,age_group,pattern\n"
        f"G-1,{day},9:00 AM,Riverside Park,Hawks,Falcons,U12 Boys,3 officials\n"
        f"G-2,{day},11:00 AM,Riverside Park,Owls,Larks,U12 Boys,3 officials\n"
    )
    result = await desk.run("games", "import", str(path), "--site", str(desk.site_id))
    assert result.exit_code == 0, result.stderr
    again = await desk.run("games", "import", str(path), "--site", str(desk.site_id))
    assert again.exit_code == 0, again.stderr  # skipped rows record nothing
    events = await events_after(desk.runtime, mark)
    assert [(topic, data) for topic, *_, data in events] == [("game.created", {})] * 2
    assert len({resource for _, _, resource, _, _ in events}) == 2
