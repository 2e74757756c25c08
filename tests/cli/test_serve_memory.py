"""The serving process's memory: ``REFDESK_MALLOC_ARENAS`` caps glibc's malloc arenas, and
migrations run in a child process.

A real server on SQLite gets concurrent requests (each holds a pooled connection, which
runs on a thread of its own), then the test counts the arenas glibc made in that process
from ``/proc/<pid>/maps``: a non-main arena is a 64 MiB-aligned anonymous region, read-write
from its start and reserved (``---p``) up to 64 MiB. With the cap at 2 there is at most one
besides the main arena; with glibc's default (0) the same load makes several."""

from __future__ import annotations

import asyncio
import itertools
import os
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.serve import running_server, stop

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's arenas"),
]

HEAP = 64 * 1024 * 1024  # glibc's HEAP_MAX_SIZE on 64-bit


def arena_heaps(pid: int) -> int:
    maps = []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        fields = line.split()
        start, end = (int(x, 16) for x in fields[0].split("-"))
        anonymous = len(fields) < 6
        maps.append((start, end, fields[1], anonymous))
    count = 0
    for (start, end, perms, anon), (nstart, nend, nperms, nanon) in itertools.pairwise(maps):
        if (
            anon
            and nanon
            and perms.startswith("rw")
            and nperms.startswith("---")
            and start % HEAP == 0
            and end == nstart
            and nend == start + HEAP
        ):
            count += 1
    return count


async def load(origin: str, ca: Path) -> None:
    headers = {"Authorization": "Bearer not-a-token"}
    context = ssl.create_default_context(cafile=str(ca))
    async with httpx.AsyncClient(base_url=origin, verify=context, timeout=30) as client:
        for _ in range(3):
            answers = await asyncio.gather(
                *(client.get("/api/v2/sites", headers=headers) for _ in range(40))
            )
            assert {a.status_code for a in answers} == {401}


@pytest.mark.parametrize(("arenas", "most"), [("2", 1), ("0", None)])
def test_serve_caps_malloc_arenas(tmp_path: Path, arenas: str, most: int | None) -> None:
    data_dir = tmp_path / "data"
    with running_server(
        data_dir, tmp_path / "serve.log", demo=False, env_extra={"REFDESK_MALLOC_ARENAS": arenas}
    ) as (port, _http_port, process):
        asyncio.run(load(f"https://127.0.0.1:{port}", data_dir / "tls" / "ca.pem"))
        heaps = arena_heaps(process.pid)
        stop(process)
    if most is not None:
        assert heaps <= most
    else:
        assert heaps > 1  # the load is enough to show what the cap prevents


def test_serve_reports_an_unreachable_database_from_its_migration_child(tmp_path: Path) -> None:
    # Migrations run in a forked child (not in the serving process); its failure still ends
    # ``refdesk serve`` with the one-line error and a non-zero status.
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFDESK_")}
    env["REFDESK_DATA_DIR"] = str(tmp_path / "data")
    env["REFDESK_DATABASE_URL"] = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"
    done = subprocess.run(
        [sys.executable, "-m", "refdesk.cli", "serve", "--port", "18443", "--http-port", "18080"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Error: cannot use the database at postgresql+asyncpg://postgres@127.0.0.1:1" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr
