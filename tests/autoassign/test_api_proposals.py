"""Auto-assign through HTTP (issue 14): ask → solved in the background → read → apply."""

from __future__ import annotations

import httpx

from refdesk.server.autoassign.jobs import options_of
from refdesk.server.events import topics
from refdesk.server.runtime import Runtime
from tests.support.autoassign import (
    propose,
    slot_ids,
    small_site,
    solved,
    solves_end_fixture,  # noqa: F401
)
from tests.support.events import recorded_events
from tests.support.games import future_day


async def test_create_is_202_queued_then_done_with_every_slot_filled(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime)
    resp = await client.post(
        desk.base,
        json={"start_date": future_day(20), "end_date": future_day(20)},
        headers=desk.assignor.headers,
    )
    assert resp.status_code == 202, resp.text
    created = resp.json()
    assert created["status"] == "queued"
    assert resp.headers["Location"] == created["_links"]["self"]["href"]
    assert created["_links"]["self"]["resource-type"] == "auto-assign"
    assert "apply" not in created["_links"]
    body = await solved(client, runtime, resp.headers["Location"], desk.assignor.headers)
    assert body["status"] == "done", body
    assert body["open_slots"] == 6
    assert body["filled"] == 6 and body["empty_slots"] == []
    assert body["_links"]["apply"]["href"].endswith(f"/auto_assign/{body['id']}/apply.json")
    ours = {m.user.id for m in desk.officials}
    assert {f["assignment_id"] for f in body["fills"]} == set(slot_ids(desk))
    for game in desk.games:
        crew = [f["official_id"] for f in body["fills"] if f["game_id"] == game["id"]]
        assert len(crew) == 3 and len(set(crew)) == 3 and set(crew) <= ours
    fill = body["fills"][0]
    assert fill["official_name"].startswith("Ref")
    assert fill["position"] in ("Referee", "Assistant Referee")
    assert fill["_links"]["assignment"]["resource-type"] == "assignment"
    assert body["objective"]["filled"] == 6
    assert body["timings"]["solve_seconds"] >= 0


async def test_apply_assigns_through_the_manual_assign_and_fires_its_events(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime)
    body = await propose(client, runtime, desk)
    before = len(await recorded_events(runtime, topics.GAME_OFFICIAL_CHANGED))
    resp = await client.post(body["_links"]["apply"]["href"], headers=desk.assignor.headers)
    assert resp.status_code == 200, resp.text
    applied = resp.json()
    assert sorted(applied["applied"]["applied"]) == sorted(slot_ids(desk))
    assert applied["applied"]["skipped"] == []
    assert applied["applied_at"] is not None and "apply" not in applied["_links"]
    for fill in body["fills"]:
        slot = await client.get(
            f"/api/v2/assignments/{fill['assignment_id']}", headers=desk.assignor.headers
        )
        assert slot.json()["official_id"] == fill["official_id"]
        assert slot.json()["accepted"] is False
    events = await recorded_events(runtime, topics.GAME_OFFICIAL_CHANGED)
    assert len(events) - before == 6
    assert {e.data["action"] for e in events[before:]} == {"assigned"}
    again = await client.post(body["_links"]["apply"]["href"], headers=desk.assignor.headers)
    assert again.status_code == 422
    assert again.json()["errors"] == {"base": ["the proposal has already been applied"]}


async def test_a_slot_changed_after_the_proposal_is_reported_not_overwritten(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime, officials=4)
    body = await propose(client, runtime, desk)
    target = body["fills"][0]
    others = {f["official_id"] for f in body["fills"] if f["game_id"] == target["game_id"]}
    outsider = next(m.user.id for m in desk.officials if m.user.id not in others)
    manual = await client.post(
        f"/api/v2/assignments/{target['assignment_id']}/assign",
        json={"user_id": outsider},
        headers=desk.assignor.headers,
    )
    assert manual.status_code == 200
    resp = await client.post(body["_links"]["apply"]["href"], headers=desk.assignor.headers)
    assert resp.status_code == 200, resp.text
    report = resp.json()["applied"]
    assert [s["assignment_id"] for s in report["skipped"]] == [target["assignment_id"]]
    assert report["skipped"][0]["code"] == "stale_lock_version"
    assert report["skipped"][0]["lock_version"] == manual.json()["lock_version"]
    assert len(report["applied"]) == len(body["fills"]) - 1
    slot = await client.get(
        f"/api/v2/assignments/{target['assignment_id']}", headers=desk.assignor.headers
    )
    assert slot.json()["official_id"] == outsider


async def test_an_empty_slot_names_who_was_ruled_out_and_why(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(
        client,
        runtime,
        officials=2,
        positions=("Referee",),
        times=("9:00 AM",),
        use_availability=True,
        use_abilities=True,
    )
    qualified, available = desk.officials
    age_group = desk.games[0]["age_group_id"]
    grant = await client.put(
        f"/api/v2/users/{qualified.user.id}/abilities",
        json={"abilities": [{"age_group_id": age_group, "allowed": True}]},
        headers=desk.assignor.headers,
    )
    assert grant.status_code == 200, grant.text
    entry = await client.post(
        f"/api/v2/users/{available.user.id}/availability",
        json={"date": future_day(20)},
        headers=desk.assignor.headers,
    )
    assert entry.status_code == 201, entry.text
    body = await propose(client, runtime, desk)
    assert body["status"] == "done" and body["fills"] == []
    (empty,) = body["empty_slots"]
    assert empty["assignment_id"] == slot_ids(desk)[0]
    assert empty["summary"]
    codes = {r["official_id"]: r["code"] for r in empty["ruled_out"]}
    assert codes[qualified.user.id] == "D"
    assert codes[available.user.id] == "A"
    assert all(r["reason"] for r in empty["ruled_out"])


async def test_discard(client: httpx.AsyncClient, runtime: Runtime) -> None:
    desk = await small_site(client, runtime)
    body = await propose(client, runtime, desk)
    url = body["_links"]["self"]["href"]
    assert (await client.delete(url, headers=desk.assignor.headers)).status_code == 204
    gone = await client.get(url, headers=desk.assignor.headers)
    assert gone.status_code == 404 and gone.json()["error"] == "not_found"
    slot = await client.get(
        f"/api/v2/assignments/{slot_ids(desk)[0]}", headers=desk.assignor.headers
    )
    assert slot.json()["official_id"] is None


async def test_the_official_who_declined_a_slot_is_not_put_back_on_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(
        client, runtime, officials=1, positions=("Referee",), times=("9:00 AM",)
    )
    (slot,) = slot_ids(desk)
    a = desk.assignor.headers
    me = desk.officials[0].user.id
    await client.post(f"/api/v2/assignments/{slot}/assign", json={"user_id": me}, headers=a)
    declined = await client.post(f"/api/v2/assignments/{slot}/decline", headers=a)
    assert declined.status_code == 200
    body = await propose(client, runtime, desk)
    # The only official declined this very slot: it stays empty, and the reason says so.
    assert body["fills"] == []
    (empty,) = body["empty_slots"]
    assert empty["assignment_id"] == slot
    assert [(r["official_id"], r["code"]) for r in empty["ruled_out"]] == [(me, "DL")]
    resp = await client.post(body["_links"]["apply"]["href"], headers=a)
    assert resp.json()["applied"] == {"applied": [], "skipped": []}
    after = (await client.get(f"/api/v2/assignments/{slot}", headers=a)).json()
    assert after["declined"] is True and after["lock_version"] == declined.json()["lock_version"]


async def test_travel_speed_and_buffer_reach_the_solver(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime, officials=3, times=("9:00 AM",))
    body = await propose(client, runtime, desk, travel_speed_kmh=80, travel_buffer_minutes=30)
    assert body["status"] == "done", body
    assert body["options"]["travel_speed_kmh"] == 80
    assert body["options"]["travel_buffer_minutes"] == 30
    options = options_of(body["options"], workers=1)
    assert (options.travel_speed_kmh, options.travel_buffer_minutes) == (80.0, 30)
    defaults = options_of((await propose(client, runtime, desk))["options"], workers=1)
    assert (defaults.travel_speed_kmh, defaults.travel_buffer_minutes) == (50.0, 15)
