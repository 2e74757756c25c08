"""The scenario mix, and an in-process capture of each request's SQL and response.

The capture runs the real app in-process (``httpx.ASGITransport``) with a SQLAlchemy
``before_cursor_execute`` listener: it counts the SQL statements per request and records them
(statement and bound parameters, as the driver received them) with the response body. The bare
baseline (bench/baseline.py) replays exactly those statements and returns that body.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import event

from bench.generate import Fixture, basic_auth, bench_settings
from refdesk.server.app import create_app
from refdesk.server.runtime import Runtime

READS = ("month_list", "game", "availability")
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


def month_range(month: str) -> tuple[str, str]:
    year, mon = (int(p) for p in month.split("-"))
    last = 31 if mon in (1, 3, 5, 7, 8, 10, 12) else 30 if mon != 2 else 28
    return f"{year}-{mon:02d}-01", f"{year}-{mon:02d}-{last}"


def read_requests(f: Fixture) -> dict[str, Request]:
    assignor = {"Authorization": f"Bearer {f.assignor_token}", "Accept": "application/json"}
    official = {"Authorization": f"Bearer {f.official_token}", "Accept": "application/json"}
    start, end = month_range(f.month)
    return {
        "token": Request(
            "POST",
            "/oauth/token",
            {
                "Authorization": basic_auth(f),
                "Content-Type": "application/x-www-form-urlencoded",
            },
            b"grant_type=client_credentials",
        ),
        "month_list": Request(
            "GET",
            f"/api/v2/sites/{f.site_id}/games?search[start_date]={start}"
            f"&search[end_date]={end}&limit=50",
            assignor,
        ),
        "game": Request("GET", f"/api/v2/games/{f.game_ids[0]}", assignor),
        "availability": Request(
            "GET", f"/api/v2/users/{f.official_user_id}/availability", official
        ),
    }


@dataclass
class Captured:
    name: str
    status: int
    statements: list[tuple[str, Any]] = field(default_factory=list)
    body: Any = None
    content_type: str = "application/json"

    @property
    def sql_count(self) -> int:
        """Statements other than transaction control (BEGIN is only visible on SQLite)."""
        return sum(1 for sql, _ in self.statements if not sql.startswith(CONTROL))


async def capture(f: Fixture, data_dir: Path) -> dict[str, Captured]:
    """Each read once in-process: statements and response; also the write flows' counts."""
    rt = Runtime.build(bench_settings(f.database_url, data_dir))
    recorded: list[tuple[str, Any]] = []

    def listener(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        recorded.append((statement, params))

    event.listen(rt.db.engine.sync_engine, "before_cursor_execute", listener)
    app = create_app(runtime=rt)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    out: dict[str, Captured] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def run(name: str, call: Callable[[], Any]) -> None:
            await call()  # warm (flags, caches)
            recorded.clear()
            response = await call()
            out[name] = Captured(
                name,
                response.status_code,
                list(recorded),
                orjson.loads(response.content) if response.content else None,
                response.headers.get("content-type", ""),
            )

        def send(req: Request) -> Callable[[], Any]:
            return lambda: client.request(
                req.method, req.path, headers=req.headers, content=req.body
            )

        for name, req in read_requests(f).items():
            await run(name, send(req))
        assignor = {"Authorization": f"Bearer {f.assignor_token}"}
        official = {"Authorization": f"Bearer {f.official_token}"}
        games = iter(f.game_ids[-4:])
        await run(
            "update_game",
            lambda: client.put(
                f"/api/v2/games/{next(games)}",
                json={"external_id": "bench", "lock_version": 0},
                headers=assignor,
            ),
        )
        slots = iter(f.vacant_slots[-4:])

        async def assign_accept() -> httpx.Response:
            slot = next(slots)
            assigned = await client.post(
                f"/api/v2/assignments/{slot}/assign",
                data={"user_id": str(f.official_user_id)},
                headers=assignor,
            )
            assigned.raise_for_status()
            return await client.post(f"/api/v2/assignments/{slot}/accept", headers=official)

        await run("assign_accept", assign_accept)
    await rt.db.dispose()
    return out


def save(captured: dict[str, Captured], path: Path) -> None:
    path.write_bytes(pickle.dumps(captured))


def load(path: Path) -> dict[str, Captured]:
    data: dict[str, Captured] = pickle.loads(path.read_bytes())
    return data
