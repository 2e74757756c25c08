"""The bare baseline: Starlette + orjson, no framework on top, no ORM.

For each read endpoint it replays exactly the SQL statements (with the same bound parameters)
that refdesk executed for that request (captured in-process, bench/scenarios.py), on the same
database with the raw driver (asyncpg / aiosqlite), and returns the same JSON document,
serialised with orjson. It does no authentication and no mapping beyond that, so it is the
practical floor for "run this SQL and send this JSON" on this machine and database.

``/plain/{name}`` is the second, plain-Python baseline (bench/plain.py): the same SQL, and the
document built from the rows instead of sent precomputed.

Run by uvicorn: ``BENCH_CAPTURE=... BENCH_DATABASE_URL=... uvicorn bench.baseline:app``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.plain import Rows
from bench.plain import build as plain_document
from bench.scenarios import READS, Captured, load

BENCH_ZONE = "America/New_York"  # the generated sites' zone (bench/generate.py)


class Replayer:
    def __init__(self, url: str, captured: dict[str, Captured]) -> None:
        self.url = make_url(url)
        self.captured = captured
        self.bodies = {name: c.body for name, c in captured.items()}
        self._pg: Any = None
        self._lite: asyncio.Queue[Any] = asyncio.Queue()

    async def open(self) -> None:
        if self.url.drivername.startswith("sqlite"):
            import aiosqlite

            for _ in range(5):
                # Autocommit: the captured statements carry their own BEGIN.
                conn = await aiosqlite.connect(self.url.database or "", isolation_level=None)
                await conn.execute("PRAGMA busy_timeout=30000")
                self._lite.put_nowait(conn)
        else:
            import asyncpg

            dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._pg = await asyncpg.create_pool(dsn, min_size=5, max_size=15)

    async def close(self) -> None:
        if self._pg is not None:
            await self._pg.close()
        while not self._lite.empty():
            await self._lite.get_nowait().close()

    async def run(self, name: str) -> list[Rows]:
        """Replay the statements; each one's column names and rows."""
        statements = self.captured[name].statements
        out: list[Rows] = []
        if self._pg is not None:
            async with self._pg.acquire() as conn, conn.transaction():
                for sql, params in statements:
                    records = await conn.fetch(sql, *(params or ()))
                    out.append((list(records[0].keys()) if records else [], records))
            return out
        conn = await self._lite.get()
        try:
            for sql, params in statements:
                if sql.startswith("BEGIN") and conn.in_transaction:
                    await conn.rollback()  # the request's previous session ended here
                async with conn.execute(sql, params or ()) as cursor:
                    rows = list(await cursor.fetchall())
                    columns = [d[0] for d in cursor.description or ()]
                out.append((columns, rows))
            if conn.in_transaction:  # as the pool does when a connection is returned
                await conn.rollback()
        finally:
            self._lite.put_nowait(conn)
        return out


def build() -> Starlette:
    replayer = Replayer(os.environ["BENCH_DATABASE_URL"], load(Path(os.environ["BENCH_CAPTURE"])))

    async def endpoint(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in READS:
            return Response(status_code=404)
        await replayer.run(name)
        captured = replayer.captured[name]
        return Response(
            orjson.dumps(replayer.bodies[name]),
            status_code=captured.status,
            media_type=captured.content_type,
        )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await replayer.open()
        yield
        await replayer.close()

    zone = ZoneInfo(BENCH_ZONE)

    async def plain(request: Request) -> Response:
        """The second baseline (bench/plain.py): the same SQL, the document built from rows."""
        name = request.path_params["name"]
        if name not in READS:
            return Response(status_code=404)
        results = await replayer.run(name)
        if results and results[0][0][:1] == ["account_id"]:
            results = results[1:]  # the access-token lookup is not rendered
        base = f"{request.url.scheme}://{request.url.netloc}/api/v2"
        document = plain_document(name, results, base, zone)
        return Response(orjson.dumps(document), media_type="application/json")

    return Starlette(
        routes=[Route("/baseline/{name}", endpoint), Route("/plain/{name}", plain)],
        lifespan=lifespan,
    )


def app_factory() -> Starlette:
    return build()
