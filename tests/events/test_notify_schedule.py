"""Reminders before games and the assignors' daily digest (``schedules.run_due``) with a
fixed ``now``, across days and time zones, and their once-only guard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import delete, event, select

from refdesk.server.events.models import MailJob, NotificationMark
from refdesk.server.events.schedules import run_due
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from tests.support.games import GAME, future_day
from tests.support.notify import Desk, assign, build_desk, mail_jobs, respond_paths, set_game
from tests.support.queries import counting

# 10:00 in New York (EDT), 23:00 in Tokyo; no daylight-saving change near it.
START = datetime(2030, 6, 12, 14, 0, tzinfo=UTC)


async def _site(runtime: Runtime, site_id: int, **values: object) -> None:
    async with runtime.db.transaction() as session:
        site = await session.get(Site, site_id)
        assert site is not None
        for key, value in values.items():
            setattr(site, key, value)


async def _decline(client: httpx.AsyncClient, desk: Desk, slot: int, index: int) -> None:
    await assign(client, desk, slot, desk.officials[index])
    resp = await client.post(
        f"/api/v2/assignments/{slot}/decline", json={}, headers=desk.officials[index].headers
    )
    assert resp.status_code == 200, resp.text


async def _marks(runtime: Runtime, kind: str) -> list[str]:
    async with runtime.db.session() as session:
        query = select(NotificationMark.key).where(NotificationMark.kind == kind)
        return sorted(await session.scalars(query))


async def test_reminders_go_once_per_slot_and_start_in_each_sites_window(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ny = await build_desk(client, runtime)
    tokyo = await build_desk(client, runtime, site={"timezone": "Asia/Tokyo"})
    await _site(runtime, tokyo.site_id, reminder_hours=2)
    for desk in (ny, tokyo):
        await _site(runtime, desk.site_id, unfilled_digest=False)  # reminders only here
        await set_game(runtime, desk.game_id, start_time=START, end_time=None)
    pending, _declined, opted_out = ny.officials
    await assign(client, ny, ny.slot_ids[0], pending)
    await _decline(client, ny, ny.slot_ids[1], 1)
    await assign(client, ny, ny.slot_ids[2], opted_out)
    async with runtime.db.transaction() as session:
        user = await session.get(User, opted_out.user.id)
        assert user is not None
        user.notification_preferences = {"reminder": False}
    await assign(client, tokyo, tokyo.slot_ids[0], tokyo.officials[0])

    assert await run_due(runtime, START - timedelta(hours=24, seconds=1)) == 0
    assert await run_due(runtime, START - timedelta(hours=24)) == 1
    [job] = await mail_jobs(runtime, "reminder")
    assert job.to_address == pending.account.email
    assert job.subject.endswith(
        "Reminder: Referee, Hawks vs Falcons, Wed Jun 12 2030, 10:00 AM EDT"
    )
    assert set(respond_paths(job.text_body)) == {"accept", "decline"}  # not answered yet
    assert "Riverside Park" in (job.html_body or "")
    # Again, and later within the window: nothing more. Tokyo's 2-hour window is not open.
    assert await run_due(runtime, START - timedelta(hours=24)) == 0
    assert await run_due(runtime, START - timedelta(hours=3)) == 0
    # The opted-out official was considered (marked) but not written to.
    assert len(await _marks(runtime, "reminder")) == 2

    assert await run_due(runtime, START - timedelta(hours=2)) == 1
    tokyo_job = (await mail_jobs(runtime, "reminder"))[-1]
    assert tokyo_job.to_address == tokyo.officials[0].account.email
    assert "Wed Jun 12 2030, 11:00 PM JST" in tokyo_job.subject

    # A rescheduled game reminds again; a cancelled or started one does not.
    later = START + timedelta(hours=3)
    await set_game(runtime, ny.game_id, start_time=later)
    assert await run_due(runtime, later - timedelta(hours=1)) == 1
    await set_game(runtime, ny.game_id, start_time=later + timedelta(hours=3), status="X")
    assert await run_due(runtime, later + timedelta(hours=2)) == 0
    await set_game(runtime, ny.game_id, start_time=later + timedelta(hours=3), status="A")
    await _site(runtime, ny.site_id, reminder_hours=None)
    assert await run_due(runtime, later + timedelta(hours=2)) == 0
    await _site(runtime, ny.site_id, reminder_hours=24)
    assert await run_due(runtime, later + timedelta(hours=4)) == 0  # already started
    assert len(await mail_jobs(runtime, "reminder")) == 3


async def test_daily_digest_per_site_and_local_day(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ny = await build_desk(client, runtime)
    tokyo = await build_desk(client, runtime, site={"timezone": "Asia/Tokyo"})
    for desk in (ny, tokyo):
        await set_game(runtime, desk.game_id, start_time=START)
    # New York: Referee held, one Assistant declined, one vacant.
    await assign(client, ny, ny.slot_ids[0], ny.officials[0])
    await _decline(client, ny, ny.slot_ids[1], 1)
    # Beyond 7 days, and cancelled: neither is listed.
    for time, values in (
        ("11:00 AM", {"start_time": START + timedelta(days=8)}),
        ("1:00 PM", {"start_time": START + timedelta(hours=3), "status": "C"}),
    ):
        resp = await client.post(
            f"/api/v2/sites/{ny.site_id}/games",
            json={**_game_fields(ny), "localized_time": time},
            headers=ny.assignor.headers,
        )
        assert resp.status_code == 201, resp.text
        await set_game(runtime, resp.json()["id"], **values)
    # Tokyo: every slot filled at first.
    for slot, official in zip(tokyo.slot_ids, tokyo.officials, strict=True):
        await assign(client, tokyo, slot, official)

    # 06:59 in New York (not yet), 19:59 in Tokyo (due, but nothing is open there).
    assert await run_due(runtime, datetime(2030, 6, 9, 10, 59, tzinfo=UTC)) == 0
    assert await _marks(runtime, "digest") == [f"{tokyo.site_id}:2030-06-09"]
    # 07:00 in New York.
    assert await run_due(runtime, datetime(2030, 6, 9, 11, 0, tzinfo=UTC)) == 1
    [job] = await mail_jobs(runtime, "digest")
    assert job.to_address == ny.assignor.account.email
    site_name = ny.game["_embedded"]["site"]["name"]
    assert job.subject == f"[{site_name}] 2 unfilled slots in the next 7 days"
    assert "Wed Jun 12 2030, 10:00 AM EDT  Hawks vs Falcons, Riverside Park" in job.text_body
    assert "Open: Assistant Referee, Assistant Referee" in job.text_body
    assert job.text_body.count("Hawks vs Falcons") == 1
    assert f"/api/v2/games/{ny.game_id}.json" in (job.html_body or "")
    # Once per local day.
    assert await run_due(runtime, datetime(2030, 6, 9, 20, 0, tzinfo=UTC)) == 0

    # A vacancy in Tokyo: told the next Tokyo morning (07:00 JST = 22:00 UTC), not before.
    await assign(client, tokyo, tokyo.slot_ids[2], None)
    assert await run_due(runtime, datetime(2030, 6, 9, 21, 59, tzinfo=UTC)) == 0
    assert await run_due(runtime, datetime(2030, 6, 9, 22, 0, tzinfo=UTC)) == 1
    tokyo_job = (await mail_jobs(runtime, "digest"))[-1]
    assert tokyo_job.to_address == tokyo.assignor.account.email
    assert tokyo_job.subject.endswith("1 unfilled slot in the next 7 days")
    assert "Wed Jun 12 2030, 11:00 PM JST" in tokyo_job.text_body

    # The next New York days, with the digest switched off, then opted out of: nothing for
    # New York (20:00 on Jun 10 in Tokyo: its Jun 10 digest went at 07:00; on Jun 11 Tokyo
    # gets its own).
    await _site(runtime, ny.site_id, unfilled_digest=False)
    assert await run_due(runtime, datetime(2030, 6, 10, 11, 0, tzinfo=UTC)) == 0
    await _site(runtime, ny.site_id, unfilled_digest=True)
    async with runtime.db.transaction() as session:
        user = await session.get(User, ny.assignor.user.id)
        assert user is not None
        user.notification_preferences = {"digest": False}
    assert await run_due(runtime, datetime(2030, 6, 11, 11, 0, tzinfo=UTC)) == 1
    assert [j.to_address for j in await mail_jobs(runtime, "digest")] == [
        ny.assignor.account.email,
        *[tokyo.assignor.account.email] * 2,
    ]


def _game_fields(desk: Desk) -> dict[str, object]:
    return {**GAME, "localized_date": future_day(), "is_public": "y"}


async def test_a_run_reads_the_same_statements_for_one_game_or_many(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """No statement per game: finding due reminders and digests is a fixed set of reads."""
    desk = await build_desk(client, runtime)
    await set_game(runtime, desk.game_id, start_time=START)
    await assign(client, desk, desk.slot_ids[0], desk.officials[0])
    now = START - timedelta(hours=12)  # 22:00 EDT the day before: reminders and the digest

    async def reads() -> tuple[int, int]:
        async with runtime.db.transaction() as session:
            await session.execute(delete(NotificationMark))
            await session.execute(delete(MailJob))
        with counting(runtime) as statements:
            queued = await run_due(runtime, now)
        return queued, sum(s.lstrip().upper().startswith("SELECT") for s in statements)

    one = await reads()
    for n, time in enumerate(("11:00 AM", "1:00 PM", "3:00 PM"), start=1):
        resp = await client.post(
            f"/api/v2/sites/{desk.site_id}/games",
            json={**_game_fields(desk), "localized_time": time},
            headers=desk.assignor.headers,
        )
        assert resp.status_code == 201, resp.text
        await set_game(runtime, resp.json()["id"], start_time=START + timedelta(hours=n))
        slot = resp.json()["_embedded"]["assignments"][0]["id"]
        await assign(client, desk, slot, desk.officials[n % 3])
    many = await reads()
    assert (one[0], many[0]) == (2, 5)  # a reminder per game, one digest
    assert one[1] == many[1]


async def test_a_round_with_nothing_due_only_reads(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """The worker calls run_due every round: with nothing due it must not take the write
    lock (BEGIN IMMEDIATE on SQLite) nor write anything."""
    desk = await build_desk(client, runtime)
    await set_game(runtime, desk.game_id, start_time=START)
    await assign(client, desk, desk.slot_ids[0], desk.officials[0])
    now = START - timedelta(hours=12)
    assert await run_due(runtime, now) == 2
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement.lstrip().upper())

    engine = runtime.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert await run_due(runtime, now + timedelta(minutes=1)) == 0
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert seen and all(s.startswith("SELECT") for s in seen), seen
