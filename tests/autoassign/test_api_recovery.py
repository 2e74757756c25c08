"""A proposal never stays stuck (issue 14, ``autoassign/jobs.py``): one left ``solving`` by a
stopped server, or ``queued`` and never started, is re-queued and solved when the server
starts (``recover``) or when someone reads it; one still within its time is left alone."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update

from refdesk.server.autoassign.jobs import MAX_ATTEMPTS, jobs_of, recover
from refdesk.server.autoassign.models import AutoAssignProposal
from refdesk.server.db.base import utcnow
from refdesk.server.runtime import Runtime
from tests.support.autoassign import (
    propose,
    small_site,
    solved,
    solves_end_fixture,  # noqa: F401
)


async def _set(runtime: Runtime, proposal_id: int, **values: object) -> None:
    async with runtime.db.transaction() as session:
        await session.execute(
            update(AutoAssignProposal).where(AutoAssignProposal.id == proposal_id).values(**values)
        )


async def test_a_stuck_solve_is_requeued_when_read(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime)
    body = await propose(client, runtime, desk)
    url = body["_links"]["self"]["href"]
    long_ago = utcnow() - timedelta(hours=1)
    await _set(runtime, body["id"], status="solving", result=None, started_at=long_ago, claim="x")
    read = await client.get(url, headers=desk.assignor.headers)
    assert read.json()["status"] == "queued"
    again = await solved(client, runtime, url, desk.assignor.headers)
    assert again["status"] == "done" and again["filled"] == 6


async def test_a_recent_solve_is_left_alone(client: httpx.AsyncClient, runtime: Runtime) -> None:
    desk = await small_site(client, runtime, times=())
    body = await propose(client, runtime, desk)
    await _set(runtime, body["id"], status="solving", result=None, started_at=utcnow())
    read = await client.get(body["_links"]["self"]["href"], headers=desk.assignor.headers)
    assert read.json()["status"] == "solving"
    assert await recover(runtime) == 0


async def test_start_up_recovers_stuck_and_queued_proposals(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime)
    stuck = await propose(client, runtime, desk)
    waiting = await propose(client, runtime, desk)
    tired = await propose(client, runtime, desk)
    long_ago = utcnow() - timedelta(hours=1)
    await _set(runtime, stuck["id"], status="solving", result=None, started_at=long_ago)
    await _set(runtime, waiting["id"], status="queued", result=None)
    await _set(runtime, tired["id"], status="solving", started_at=long_ago, attempts=MAX_ATTEMPTS)
    assert await recover(runtime) == 2
    await jobs_of(runtime).drain()
    for proposal, status in ((stuck, "done"), (waiting, "done"), (tired, "failed")):
        read = await client.get(proposal["_links"]["self"]["href"], headers=desk.assignor.headers)
        assert read.json()["status"] == status, read.json()
    assert "interrupted" in read.json()["error"]


async def test_shutdown_puts_its_solves_back_in_the_queue(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await small_site(client, runtime, times=())
    mine = await propose(client, runtime, desk)
    theirs = await propose(client, runtime, desk)
    await _set(runtime, mine["id"], status="solving", claim="mine", started_at=utcnow())
    await _set(runtime, theirs["id"], status="solving", claim="theirs", started_at=utcnow())
    await jobs_of(runtime).release({mine["id"]: "mine", theirs["id"]: "not theirs"})
    statuses = []
    for proposal in (mine, theirs):
        read = await client.get(proposal["_links"]["self"]["href"], headers=desk.assignor.headers)
        statuses.append(read.json()["status"])
    assert statuses == ["queued", "solving"]  # another process's solve is left alone
    assert await recover(runtime) == 1
    await jobs_of(runtime).drain()
    read = await client.get(mine["_links"]["self"]["href"], headers=desk.assignor.headers)
    assert read.json()["status"] == "done"
