"""Slot writes record ``game.official.changed`` (one per slot), ``assignment.accepted`` and
``assignment.declined`` (contract §19.1), whichever endpoint made the change."""

from __future__ import annotations

from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member
from tests.support.events import events_after, last_event_id, recorded_events
from tests.support.games import load_site, make_game, setup_site

SLOT = "assignment"
CHANGED = "game.official.changed"


def changed(action: str, user: int | None, previous: int | None = None) -> dict[str, Any]:
    return {"action": action, "user_id": user, "previous_user_id": previous}


async def _world(
    client: httpx.AsyncClient, runtime: Runtime
) -> tuple[Member, Member, Member, dict[str, Any]]:
    site_id, assignor = await setup_site(client, runtime)
    site = await load_site(runtime, site_id)
    alex, blair = await create_member(runtime, site), await create_member(runtime, site)
    return assignor, alex, blair, await make_game(client, site_id, assignor.headers)


async def _call(
    client: httpx.AsyncClient, path: str, who: Member, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    resp = await client.post(f"/api/v2{path}", json=body or {}, headers=who.headers)
    assert resp.status_code in (200, 201), resp.text
    return dict(resp.json())


async def test_assign_replace_and_unassign(client: httpx.AsyncClient, runtime: Runtime) -> None:
    assignor, alex, blair, game = await _world(client, runtime)
    slot = game["_embedded"]["assignments"][0]["id"]
    mark = await last_event_id(runtime)
    await _call(client, f"/assignments/{slot}/assign", assignor, {"official_id": alex.user.id})
    await _call(client, f"/assignments/{slot}/assign", assignor, {"official_id": alex.user.id})
    await _call(client, f"/assignments/{slot}/assign", assignor, {"user_id": blair.user.id})
    await _call(client, f"/assignments/{slot}/unassign", assignor)
    await _call(client, f"/assignments/{slot}/unassign", assignor)  # vacant already: nothing
    g, a, b = game["id"], alex.user.id, blair.user.id
    assert await events_after(runtime, mark) == [
        (CHANGED, SLOT, slot, g, changed("assigned", a)),
        (CHANGED, SLOT, slot, g, changed("replaced", b, a)),
        (CHANGED, SLOT, slot, g, changed("unassigned", None, b)),
    ]
    events = await recorded_events(runtime, CHANGED)
    assert {e.actor_account_id for e in events} == {assignor.account.id}


async def test_assign_to_game_and_through_an_edit(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    assignor, alex, blair, game = await _world(client, runtime)
    first, second = (s["id"] for s in game["_embedded"]["assignments"][:2])
    mark = await last_event_id(runtime)
    await _call(client, f"/games/{game['id']}/assignments", assignor, {"user_id": alex.user.id})
    edited = await client.put(
        f"/api/v2/assignments/{second}",
        json={"official_id": blair.user.id, "accepted": "true"},
        headers=assignor.headers,
    )
    assert edited.status_code == 200, edited.text
    fee = await client.put(
        f"/api/v2/assignments/{second}", json={"fee": 40}, headers=assignor.headers
    )
    assert fee.status_code == 200, fee.text  # a fee alone: no event
    g, a, b = game["id"], alex.user.id, blair.user.id
    assert await events_after(runtime, mark) == [
        (CHANGED, SLOT, first, g, changed("assigned", a)),
        ("assignment.accepted", SLOT, second, g, {"user_id": b}),
        (CHANGED, SLOT, second, g, changed("assigned", b)),
    ]


async def test_accept_records_two_events(client: httpx.AsyncClient, runtime: Runtime) -> None:
    assignor, alex, _, game = await _world(client, runtime)
    slot = game["_embedded"]["assignments"][0]["id"]
    await _call(client, f"/assignments/{slot}/assign", assignor, {"official_id": alex.user.id})
    mark = await last_event_id(runtime)
    await _call(client, f"/assignments/{slot}/accept", alex)
    await _call(client, f"/assignments/{slot}/accept", alex)  # answered already: nothing
    g, a = game["id"], alex.user.id
    assert await events_after(runtime, mark) == [
        ("assignment.accepted", SLOT, slot, g, {"user_id": a}),
        (CHANGED, SLOT, slot, g, changed("accepted", a)),
    ]
    events = await recorded_events(runtime)
    assert events[-1].actor_account_id == alex.account.id


async def test_decline_with_reason_then_accept(client: httpx.AsyncClient, runtime: Runtime) -> None:
    assignor, alex, _, game = await _world(client, runtime)
    slot = game["_embedded"]["assignments"][0]["id"]
    await _call(client, f"/assignments/{slot}/assign", assignor, {"official_id": alex.user.id})
    mark = await last_event_id(runtime)
    await _call(client, f"/assignments/{slot}/decline", alex, {"reason": "Out of town"})
    await _call(client, f"/assignments/{slot}/decline", alex, {"reason": "Still away"})
    await _call(client, f"/assignments/{slot}/confirm", alex, {"status": "A"})
    g, a = game["id"], alex.user.id
    assert await events_after(runtime, mark) == [
        ("assignment.declined", SLOT, slot, g, {"user_id": a, "reason": "Out of town"}),
        (CHANGED, SLOT, slot, g, changed("declined", a)),
        ("assignment.accepted", SLOT, slot, g, {"user_id": a}),
        (CHANGED, SLOT, slot, g, changed("accepted", a)),
    ]


async def test_a_response_taken_back_is_assigned_again(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    assignor, alex, _, game = await _world(client, runtime)
    slot = game["_embedded"]["assignments"][0]["id"]
    await _call(
        client, f"/assignments/{slot}/assign", assignor, {"user_id": alex.user.id, "accepted": 1}
    )
    mark = await last_event_id(runtime)
    reset = await client.patch(
        f"/api/v2/assignments/{slot}", json={"accepted": "false"}, headers=assignor.headers
    )
    assert reset.status_code == 200, reset.text
    assert reset.json()["accepted"] is False
    g = game["id"]
    assert await events_after(runtime, mark) == [
        (CHANGED, SLOT, slot, g, changed("assigned", alex.user.id))
    ]


async def test_game_requests_pending_self_assign_and_approve(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(
        client, runtime, use_abilities=False, use_availability=False, show_game_requests=True
    )
    site = await load_site(runtime, site_id)
    alex, blair = await create_member(runtime, site), await create_member(runtime, site)
    game = await make_game(client, site_id, assignor.headers)
    g = game["id"]

    mark = await last_event_id(runtime)
    pending = await _call(client, "/game_requests", alex, {"game_id": g})
    assert pending["status"] == "pending"
    assert await events_after(runtime, mark) == [
        ("game_request.created", "game-request", pending["id"], g, {"user_id": alex.user.id})
    ]

    mark = await last_event_id(runtime)
    approved = await _call(client, f"/game_requests/{pending['id']}/approve", assignor)
    slot = approved["assignment_id"]
    assert await events_after(runtime, mark) == [
        (CHANGED, SLOT, slot, g, changed("assigned", alex.user.id))
    ]

    await client.put(
        f"/api/v2/sites/{site_id}", json={"allow_self_assign": "true"}, headers=assignor.headers
    )
    mark = await last_event_id(runtime)
    instant = await _call(client, "/game_requests", blair, {"game_id": g})
    assert instant["status"] == "approved"
    mine = instant["assignment_id"]
    # The slot is filled and accepted at once: no game_request.created.
    assert await events_after(runtime, mark) == [
        ("assignment.accepted", SLOT, mine, g, {"user_id": blair.user.id}),
        (CHANGED, SLOT, mine, g, changed("assigned", blair.user.id)),
    ]
    events = await recorded_events(runtime)
    assert events[-1].actor_account_id == blair.account.id


async def test_availability_created_updated_deleted(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await load_site(runtime, site_id)
    alex = await create_member(runtime, site)
    base = f"/api/v2/users/{alex.user.id}/availability"
    mark = await last_event_id(runtime)
    made = await client.post(base, json={"date": "2026-10-11"}, headers=alex.headers)
    assert made.status_code == 201, made.text
    entry = made.json()
    same = await client.put(
        f"{base}/{entry['id']}", json={"date": "2026-10-11"}, headers=alex.headers
    )
    assert same.status_code == 200, same.text  # nothing changed: nothing recorded
    moved = await client.put(
        f"{base}/{entry['id']}",
        json={"date": "2026-10-12", "start_time": "8:00 AM", "end_time": "11:00"},
        headers=assignor.headers,
    )
    assert moved.status_code == 200, moved.text
    gone = await client.delete(f"{base}/{entry['id']}", headers=alex.headers)
    assert gone.status_code == 204
    a, e = alex.user.id, entry["id"]
    assert await events_after(runtime, mark) == [
        (
            "availability.changed",
            "availability",
            e,
            None,
            {"action": action, "user_id": a, "date": day},
        )
        for action, day in (
            ("created", "2026-10-11"),
            ("updated", "2026-10-12"),
            ("deleted", "2026-10-12"),
        )
    ]
    events = await recorded_events(runtime, "availability.changed")
    assert [ev.actor_account_id for ev in events] == [
        alex.account.id,
        assignor.account.id,
        alex.account.id,
    ]
    assert {ev.site_id for ev in events} == {site_id}
