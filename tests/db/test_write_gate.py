"""Concurrent writes through the API all land (none lost, none refused), with SQLite's writers
queued by the write gate (src/refdesk/server/db/write_gate.py); on PostgreSQL there is no gate
and the same holds. And the gate's lock (``FairLock``) on its own: first come, first served
once a waiter starves, passed on when a waiter is cancelled."""

from __future__ import annotations

import asyncio

import httpx

from refdesk.server.auth.service import create_application
from refdesk.server.db.engine import is_sqlite, write_gate
from refdesk.server.db.fair_lock import FairLock
from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.oauth import client_token

WRITERS = 24


async def test_concurrent_writes_all_land_and_the_gate_is_open_after(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    officials = [await create_member(runtime, site) for _ in range(3)]
    async with runtime.db.transaction() as session:
        made = await create_application(
            session, runtime.hasher, officials[0].account.id, "gate test"
        )
    client_id, secret = made.application.client_id, made.client_secret or ""

    def entry(n: int) -> dict[str, str]:
        return {"date": f"2024-03-{n % 28 + 1:02d}", "start_time": "8am", "end_time": "9am"}

    creates = [
        client.post(
            f"/api/v2/users/{officials[n % 3].user.id}/availability",
            json=entry(n),
            headers=officials[n % 3].headers,
        )
        for n in range(WRITERS)
    ]
    tokens = [client_token(client, client_id, secret) for _ in range(WRITERS // 2)]
    refused = [  # writes that fail (422) roll back and must open the gate too
        client.post(
            f"/api/v2/users/{officials[0].user.id}/availability",
            json={"date": "someday"},
            headers=officials[0].headers,
        )
        for _ in range(4)
    ]
    responses = await asyncio.gather(*creates, *tokens, *refused)
    assert [r.status_code for r in responses[:WRITERS]] == [201] * WRITERS
    assert [r.status_code for r in responses[WRITERS:-4]] == [200] * (WRITERS // 2)
    assert [r.status_code for r in responses[-4:]] == [422] * 4
    created = {r.json()["id"] for r in responses[:WRITERS]}
    listed: set[int] = set()
    for member in officials:
        page = await client.get(
            f"/api/v2/users/{member.user.id}/availability", headers=member.headers
        )
        listed |= {e["id"] for e in page.json()["_embedded"]["availability"]}
    assert listed == created
    for response in responses[WRITERS:-4]:  # every issued token works
        token = response.json()["access_token"]
        me = await client.get(
            f"/api/v2/users/{officials[0].user.id}/availability",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert me.status_code == 200, me.text
    gate = write_gate(runtime.db.engine)
    if is_sqlite(runtime.db.url):
        assert gate is not None and gate.held == 0
        assert gate.lock_path is not None and gate.lock_path.exists()
    else:
        assert gate is None


async def test_fair_lock_hands_over_in_arrival_order_when_waiters_starve() -> None:
    lock = FairLock(starving_after=0.0)  # every waiter starves at once: strict FIFO
    order: list[int] = []
    await lock.acquire()

    async def writer(n: int) -> None:
        await lock.acquire()
        order.append(n)
        await asyncio.sleep(0)
        lock.release()

    tasks = []
    for n in range(8):
        tasks.append(asyncio.create_task(writer(n)))
        await asyncio.sleep(0)  # each queues before the next arrives
    lock.release()
    late = asyncio.create_task(writer(99))  # arrives while the others still wait
    await asyncio.gather(*tasks, late)
    assert order == [*range(8), 99]
    assert not lock.locked()


async def test_fair_lock_lets_a_running_task_take_a_free_lock() -> None:
    lock = FairLock(starving_after=3600.0)  # never starving: normal mode
    await lock.acquire()
    waiter = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0)
    lock.release()  # wakes the waiter, whose task has not run yet
    await lock.acquire()  # a running task takes the free lock first
    assert not waiter.done()
    lock.release()
    await waiter  # the woken waiter gets it next
    assert lock.locked()
    lock.release()
    assert not lock.locked()


async def test_fair_lock_passes_on_what_a_cancelled_waiter_was_given() -> None:
    lock = FairLock(starving_after=0.0)
    await lock.acquire()
    first = asyncio.create_task(lock.acquire())
    second = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    lock.release()  # handed to ``first``, which is cancelled before it runs
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    await asyncio.wait_for(second, 5)  # ``second`` got it instead: nothing is stuck
    assert lock.locked()
    lock.release()
    assert not lock.locked()
