"""Which e-mails an event queues (``events/notifications.plan_mail``): events recorded as
§19.1 describes, planned as the worker's fan-out does, the queued ``MailJob`` rows read back
(recipient, kind, subject, facts in both bodies, links)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from refdesk.server.events import notifications, topics
from refdesk.server.events.record import record
from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User
from tests.factories import Member
from tests.support.events import recorded_events
from tests.support.notify import assign, build_desk, emit, mail_jobs, respond_paths, set_game


def _local_label(game: dict[str, object]) -> str:
    start = datetime.fromisoformat(str(game["start_time"])).astimezone(ZoneInfo("America/New_York"))
    return f"9:00 AM {start.tzname()}"


async def _set_user(runtime: Runtime, user_id: int, **values: object) -> None:
    async with runtime.db.transaction() as session:
        user = await session.get(User, user_id)
        assert user is not None
        for key, value in values.items():
            setattr(user, key, value)


async def test_assigned_official_gets_game_details_and_answer_links(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime)
    ref = desk.officials[0]
    slot = desk.slot_ids[0]
    await assign(client, desk, slot, ref)

    queued = await emit(
        runtime,
        topics.GAME_OFFICIAL_CHANGED,
        site_id=desk.site_id,
        game_id=desk.game_id,
        resource_id=slot,
        data={"action": "assigned", "user_id": ref.user.id, "previous_user_id": None},
        actor=desk.assignor,
    )

    [job] = await mail_jobs(runtime)
    assert queued == 1
    assert (job.kind, job.to_address, job.user_id) == ("assigned", ref.account.email, ref.user.id)
    site_name = desk.game["_embedded"]["site"]["name"]
    label = _local_label(desk.game)
    assert job.subject.startswith(f"[{site_name}] Assigned: Referee, Hawks vs Falcons, ")
    assert label in job.subject
    game_link = f"http://localhost:8000/api/v2/games/{desk.game_id}.json"
    for body in (job.text_body, job.html_body or ""):
        assert site_name in body
        assert label in body
        assert "Riverside Park" in body and "Field 2" in body
        assert "U12 Boys" in body and "Harbor League" in body
        assert game_link in body
        assert set(respond_paths(body)) == {"accept", "decline"}
    assert "Ref1 Official" in job.text_body  # the crew
    # Text is not escaped; HTML is.
    assert "Arrive <early>." in job.text_body
    assert "Arrive &lt;early&gt;." in (job.html_body or "")
    assert "<early>" not in (job.html_body or "")


async def test_replaced_tells_the_new_official_and_the_previous_one(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime)
    first, second = desk.officials[:2]
    slot = desk.slot_ids[1]
    await assign(client, desk, slot, first)
    await assign(client, desk, slot, second)

    await emit(
        runtime,
        topics.GAME_OFFICIAL_CHANGED,
        site_id=desk.site_id,
        game_id=desk.game_id,
        resource_id=slot,
        data={"action": "replaced", "user_id": second.user.id, "previous_user_id": first.user.id},
        actor=desk.assignor,
    )

    jobs = {job.kind: job for job in await mail_jobs(runtime)}
    assert set(jobs) == {"assigned", "removed"}
    assert jobs["assigned"].to_address == second.account.email
    assert "Assistant Referee" in jobs["assigned"].subject
    assert jobs["removed"].to_address == first.account.email
    assert "Removed from game: Hawks vs Falcons" in jobs["removed"].subject
    assert "no longer assigned as Assistant Referee" in jobs["removed"].text_body
    assert respond_paths(jobs["removed"].text_body) == {}


async def test_unassigned_and_removed_tell_whoever_was_on_the_slot(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime)
    first, second = desk.officials[:2]
    await assign(client, desk, desk.slot_ids[0], first)
    await assign(client, desk, desk.slot_ids[1], second)
    await assign(client, desk, desk.slot_ids[0], None)
    await assign(client, desk, desk.slot_ids[1], None)

    # The person who left may be named as previous_user_id or as user_id: both work.
    for slot, data in (
        (desk.slot_ids[0], {"action": "unassigned", "previous_user_id": first.user.id}),
        (desk.slot_ids[1], {"action": "removed", "user_id": second.user.id}),
    ):
        await emit(
            runtime,
            topics.GAME_OFFICIAL_CHANGED,
            site_id=desk.site_id,
            game_id=desk.game_id,
            resource_id=slot,
            data=data,
            actor=desk.assignor,
        )

    jobs = await mail_jobs(runtime)
    assert [(j.kind, j.to_address) for j in jobs] == [
        ("removed", first.account.email),
        ("removed", second.account.email),
    ]


async def test_nobody_hears_of_their_own_change_nor_against_their_wishes(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime, officials=4)
    self_assigned, opted_out, inactive, no_address = desk.officials
    await _set_user(runtime, opted_out.user.id, notification_preferences={"assigned": False})
    await _set_user(runtime, no_address.user.id, email_addresses=[])
    for slot, member in zip(desk.slot_ids, (self_assigned, opted_out, no_address), strict=True):
        await assign(client, desk, slot, member)

    async def assigned(slot: int, member_id: int, actor: Member) -> int:
        return await emit(
            runtime,
            topics.GAME_OFFICIAL_CHANGED,
            site_id=desk.site_id,
            game_id=desk.game_id,
            resource_id=slot,
            data={"action": "assigned", "user_id": member_id, "previous_user_id": None},
            actor=actor,
        )

    assert await assigned(desk.slot_ids[0], self_assigned.user.id, self_assigned) == 0
    assert await assigned(desk.slot_ids[1], opted_out.user.id, desk.assignor) == 0
    assert await assigned(desk.slot_ids[2], no_address.user.id, desk.assignor) == 0
    # Someone no longer holding the slot gets no links to it (a later event tells them).
    assert await assigned(desk.slot_ids[1], self_assigned.user.id, desk.assignor) == 0
    await assign(client, desk, desk.slot_ids[2], inactive)
    await _set_user(runtime, inactive.user.id, active=False)
    assert await assigned(desk.slot_ids[2], inactive.user.id, desk.assignor) == 0
    assert await mail_jobs(runtime) == []
    # Other kinds still reach the person who opted out of one.
    await emit(
        runtime,
        topics.GAME_UPDATED,
        site_id=desk.site_id,
        game_id=desk.game_id,
        data={"changes": ["localized_time", "start_time"]},
        actor=desk.assignor,
    )
    assert [j.to_address for j in await mail_jobs(runtime)] == [
        self_assigned.account.email,
        opted_out.account.email,
    ]


async def test_material_changes_cancel_and_uncancel_reach_every_official_on_the_game(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime)
    first, second, declined = desk.officials
    for slot, member in zip(desk.slot_ids, desk.officials, strict=True):
        await assign(client, desk, slot, member)
    decline = await client.post(
        f"/api/v2/assignments/{desk.slot_ids[2]}/decline",
        json={"reason": "Away"},
        headers=declined.headers,
    )
    assert decline.status_code == 200, decline.text

    async def game_event(topic: str, **data: object) -> int:
        return await emit(
            runtime,
            topic,
            site_id=desk.site_id,
            game_id=desk.game_id,
            data=data,
            actor=desk.assignor,
        )

    # A change officials need not hear about sends nothing.
    assert await game_event(topics.GAME_UPDATED, changes=["public_note"]) == 0
    assert await game_event(topics.GAME_UPDATED, changes=["subvenue", "venue_id"]) == 2
    jobs = await mail_jobs(runtime, "changed")
    assert [j.to_address for j in jobs] == [first.account.email, second.account.email]
    assert "Game changed: Hawks vs Falcons" in jobs[0].subject
    assert "has changed (field, venue)" in jobs[0].text_body
    assert "<strong>field, venue</strong>" in (jobs[0].html_body or "")

    await set_game(runtime, desk.game_id, status="X")
    await game_event(topics.GAME_CANCELLED, status="X")
    cancelled = (await mail_jobs(runtime, "changed"))[2:]
    assert len(cancelled) == 2
    assert "Game cancelled: Hawks vs Falcons" in cancelled[0].subject
    assert "CANCELLED" in cancelled[0].text_body
    assert respond_paths(cancelled[0].text_body) == {}

    # X <-> C is still cancelled: nothing; un-cancelling: "back on".
    await set_game(runtime, desk.game_id, status="C")
    assert await game_event(topics.GAME_UPDATED, changes=["status"]) == 0
    # Nor does moving a cancelled game.
    assert await game_event(topics.GAME_UPDATED, changes=["start_time", "venue"]) == 0
    await set_game(runtime, desk.game_id, status="A")
    assert await game_event(topics.GAME_UPDATED, changes=["status"]) == 2
    back = (await mail_jobs(runtime, "changed"))[-1]
    assert "Game back on: Hawks vs Falcons" in back.subject
    assert "back on" in back.text_body


async def test_assignors_hear_of_a_decline_with_the_reason(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime)
    ref = desk.officials[0]
    await assign(client, desk, desk.slot_ids[0], ref)

    queued = await emit(
        runtime,
        topics.ASSIGNMENT_DECLINED,
        site_id=desk.site_id,
        game_id=desk.game_id,
        resource_id=desk.slot_ids[0],
        data={"user_id": ref.user.id, "reason": "Out of town <Friday>"},
        actor=ref,
    )

    [job] = await mail_jobs(runtime)
    assert queued == 1
    assert (job.kind, job.to_address) == ("declined", desk.assignor.account.email)
    assert "Declined by Ref1 Official: Referee, Hawks vs Falcons" in job.subject
    assert "Reason: Out of town <Friday>" in job.text_body
    assert "Out of town &lt;Friday&gt;" in (job.html_body or "")
    candidates = f"/api/v2/assignments/{desk.slot_ids[0]}/candidates.json"
    assert candidates in job.text_body and candidates in (job.html_body or "")


async def test_unpublished_and_deleted_games_send_officials_nothing_until_published(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime, is_public="n")
    ref = desk.officials[0]
    await assign(client, desk, desk.slot_ids[0], ref)
    await set_game(runtime, desk.game_id, published=False)

    async def event(topic: str, resource_id: int | None = None, **data: object) -> int:
        return await emit(
            runtime,
            topic,
            site_id=desk.site_id,
            game_id=desk.game_id,
            resource_id=resource_id,
            data=data,
            actor=desk.assignor,
        )

    slot = desk.slot_ids[0]
    assigned = {"action": "assigned", "user_id": ref.user.id, "previous_user_id": None}
    assert await event(topics.GAME_OFFICIAL_CHANGED, slot, **assigned) == 0
    assert await event(topics.GAME_DELETED) == 0

    # Publishing makes the game visible: its officials hear of their slots then.
    await set_game(runtime, desk.game_id, published=True)
    assert await event(topics.GAME_UPDATED, changes=["published"]) == 1
    [job] = await mail_jobs(runtime)
    assert (job.kind, job.to_address) == ("assigned", ref.account.email)
    assert set(respond_paths(job.text_body)) == {"accept", "decline"}


async def test_a_failing_plan_drops_only_that_events_mail(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken template must not stop the worker's fan-out: the event's mail is dropped (and
    logged), the rest of the transaction commits."""
    desk = await build_desk(client, runtime)
    ref = desk.officials[0]
    await assign(client, desk, desk.slot_ids[0], ref)

    def broken(kind: str, context: dict[str, object]) -> None:
        raise RuntimeError(f"template {kind} is broken")

    monkeypatch.setattr(notifications, "render", broken)
    async with runtime.db.transaction() as session:
        event = record(
            session,
            topic=topics.GAME_OFFICIAL_CHANGED,
            site_id=desk.site_id,
            resource_type=topics.RESOURCE_ASSIGNMENT,
            resource_id=desk.slot_ids[0],
            game_id=desk.game_id,
            data={"action": "replaced", "user_id": ref.user.id, "previous_user_id": None},
        )
        await session.flush()
        assert await notifications.plan_mail(session, runtime, event) == 0
        event.dispatched_at = datetime.now(UTC)
    stored = [e for e in await recorded_events(runtime) if e.id == event.id]
    assert stored and stored[0].dispatched_at is not None
    assert await mail_jobs(runtime) == []
