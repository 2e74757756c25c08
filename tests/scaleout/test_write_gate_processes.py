"""Two real server processes writing to one database at once (on SQLite they queue through the
write gate's lock file, ``<database>-writer``): every write lands, none is refused or lost, and
a read-modify-write with ``lock_version`` retried on 409 loses no increment."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.scaleout import Spawn, setup_game

pytestmark = pytest.mark.slow
PER_SERVER = 16


async def test_concurrent_writes_from_two_processes_all_land(
    spawn: Spawn, runtime: Runtime
) -> None:
    first, second = await asyncio.gather(spawn(), spawn())
    site = await create_site(runtime)
    official = await create_member(runtime, site)
    url = f"/api/v2/users/{official.user.id}/availability"
    async with httpx.AsyncClient(timeout=60) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    f"{server.base_url}{url}",
                    json={
                        "date": f"2024-04-{n % 28 + 1:02d}",
                        "start_time": f"{i + 7}am",
                        "end_time": "11am",
                    },
                    headers=official.headers,
                )
                for n in range(PER_SERVER)
                for i, server in enumerate((first, second))
            )
        )
        assert [r.status_code for r in responses] == [201] * (2 * PER_SERVER), [
            r.text for r in responses if r.status_code != 201
        ]
        listed = await client.get(f"{second.base_url}{url}", headers=official.headers)
        ids = {e["id"] for e in listed.json()["_embedded"]["availability"]}
        assert ids == {r.json()["id"] for r in responses}


async def test_retried_lock_version_increments_from_two_processes_lose_none(
    spawn: Spawn, runtime: Runtime
) -> None:
    first, second = await asyncio.gather(spawn(), spawn())
    site = await create_site(runtime)
    assignor = await create_member(runtime, site, assignor=True, official=False)
    async with httpx.AsyncClient(timeout=60) as client:
        game_id = await setup_game(client, first.base_url, assignor, site.id)
        game_url = f"/api/v2/games/{game_id}"
        start = (await client.get(first.base_url + game_url, headers=assignor.headers)).json()

        async def bump(base_url: str, n: int) -> None:
            """Append ``n`` to the game's public note: read, write with lock_version, retry."""
            for _ in range(200):
                current = (await client.get(base_url + game_url, headers=assignor.headers)).json()
                ids = [x for x in (current["public_note"] or "").split(",") if x]
                written = await client.put(
                    base_url + game_url,
                    json={
                        "public_note": ",".join([*ids, str(n)]),
                        "lock_version": current["lock_version"],
                    },
                    headers=assignor.headers,
                )
                if written.status_code == 200:
                    return
                assert written.status_code == 409, written.text
            raise AssertionError(f"writer {n} never won")

        writers = 6
        await asyncio.gather(
            *(bump(server.base_url, 2 * n + i) for n in range(writers // 2)
              for i, server in enumerate((first, second)))
        )  # fmt: skip
        final = (await client.get(first.base_url + game_url, headers=assignor.headers)).json()
    assert sorted(int(x) for x in final["public_note"].split(",")) == list(range(writers))
    assert final["lock_version"] == start["lock_version"] + writers
