"""``python -m bench writes``: where a SQLite write's time goes, with and without the gate.

Serves refdesk in this process (Uvicorn, one worker, the bench's generated SQLite database)
twice, once with the write gate (src/refdesk/server/db/write_gate.py) and once without it
(writers left to SQLite's busy handler), and drives it with wrk (a separate process): the
token endpoint (client credentials), then ``PUT /api/v2/games/{id}`` on one game with a new
``external_id`` each time. For every write transaction, engine hooks time:

- wait: from the connection's checkout (the session's first statement) to ``BEGIN IMMEDIATE``
  done: the gate's queue, then SQLite's lock and busy handler, and the thread hand-off to
  aiosqlite;
- hold: from there to the end of ``COMMIT``/``ROLLBACK`` (the work, under the write lock);
- commit: the ``COMMIT`` alone (a WAL checkpoint runs inside it when the log is full).

It prints p50/p99 of each, and wrk's request latency, in one run per mode.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import event

from bench.generate import bench_settings, generate
from bench.load import Figures, percentile, run_wrk
from bench.run import BIG_RATE_LIMIT, ROOT, db_url, free_port
from bench.scenarios import Request, read_requests
from refdesk.server.app import create_app
from refdesk.server.db.engine import Database, write_gate
from refdesk.server.runtime import Runtime

UPDATE_LUA = r"""
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"external_id":"w' .. n .. '"}')
end
"""


@dataclass
class Timers:
    wait: list[float] = field(default_factory=list)
    hold: list[float] = field(default_factory=list)
    commit: list[float] = field(default_factory=list)

    def clear(self) -> None:
        self.wait.clear()
        self.hold.clear()
        self.commit.clear()


def instrument(db: Database, timers: Timers) -> None:
    sync = db.engine.sync_engine
    dialect = sync.dialect
    started: dict[int, float] = {}
    begun: dict[int, float] = {}

    def key(conn: Any) -> int:
        return id(getattr(conn, "dbapi_connection", conn))

    @event.listens_for(sync, "checkout")
    def _checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        started[key(dbapi_connection)] = time.perf_counter()  # the session's first statement

    @event.listens_for(sync, "begin")
    def _after(conn: Any) -> None:
        k = key(conn.connection)
        now = time.perf_counter()
        if k in started:
            timers.wait.append(now - started.pop(k))
            begun[k] = now

    def wrap(name: str) -> None:
        inner = getattr(dialect, name)

        def timed(dbapi_connection: Any) -> None:
            t0 = time.perf_counter()
            try:
                inner(dbapi_connection)
            finally:
                k = key(dbapi_connection)
                if k in begun:
                    now = time.perf_counter()
                    timers.hold.append(now - begun.pop(k))
                    if name == "do_commit":
                        timers.commit.append(now - t0)

        setattr(dialect, name, timed)

    wrap("do_commit")
    wrap("do_rollback")


def ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:,.2f}"


async def serve_and_load(
    url: str, data_dir: Path, gate: bool, requests: list[tuple[str, Request, str]], args: Any
) -> list[tuple[str, Figures, Timers]]:
    pool = {"pool_size": args.pool, "max_overflow": 0} if args.pool else {}
    db = Database(url, gate=gate, **pool)
    made = write_gate(db.engine)
    if made is not None:
        made.permits = args.permits
    settings = bench_settings(url, data_dir).model_copy(update={"rate_limit_rules": BIG_RATE_LIMIT})
    runtime = Runtime.build(settings, db=db)
    timers = Timers()
    instrument(db, timers)
    port = free_port()
    config = uvicorn.Config(
        create_app(runtime=runtime), host="127.0.0.1", port=port, log_level="critical"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(1200):  # up to a minute
        if server.started:
            break
        await asyncio.sleep(0.05)
    out = []
    try:
        for name, req, lua in requests:
            await asyncio.to_thread(run_wrk, f"http://127.0.0.1:{port}", req, 2, args.connections)
            timers.clear()
            figures = await asyncio.to_thread(
                run_wrk, f"http://127.0.0.1:{port}", req, args.seconds, args.connections, 1, lua
            )
            out.append(
                (name, figures, Timers(list(timers.wait), list(timers.hold), list(timers.commit)))
            )
    finally:
        server.should_exit = True
        await task
        await db.dispose()
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench writes", description=__doc__)
    p.add_argument("--scale", default="10k")
    p.add_argument("--seconds", type=int, default=4)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--modes", default="off,on", help="gate off/on, in this order (off,on,off,on)")
    p.add_argument("--permits", type=int, default=1, help="writers the gate lets through at once")
    p.add_argument("--pool", type=int, default=0, help="connection pool size (default: 5 + 10)")
    p.add_argument("--only", default="token,update_game", help="which writes")
    p.add_argument("--data-dir", type=Path, default=ROOT / "bench" / ".data")
    args = p.parse_args(argv)
    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    url = db_url("sqlite", args.scale, data_dir)
    fixture = asyncio.run(generate(url, args.scale, data_dir / f"sqlite-{args.scale}"))
    reads = read_requests(fixture)
    update = Request(
        "PUT",
        f"/api/v2/games/{fixture.game_ids[0]}",
        {"Authorization": f"Bearer {fixture.assignor_token}"},
    )
    requests = [("token", reads["token"], ""), ("update_game", update, UPDATE_LUA)]
    requests = [r for r in requests if r[0] in args.only.split(",")]
    print(
        "| writes | gate | req/s | request p50 ms | p99 ms | p99/p50 | wait p50 ms | wait p99 ms "
        "| hold p50 ms | hold p99 ms | commit p50 ms | commit p99 ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for gate in (mode == "on" for mode in args.modes.split(",")):
        rows = asyncio.run(
            serve_and_load(url, data_dir / f"sqlite-{args.scale}", gate, requests, args)
        )
        for name, f, t in rows:
            ratio = f.p99_ms / f.p50_ms if f.p50_ms else 0.0
            print(
                f"| {name} | {'on' if gate else 'off'} | {f.rps:,.1f} | {f.p50_ms:,.2f} "
                f"| {f.p99_ms:,.2f} | {ratio:,.1f} | {ms(t.wait, 50)} | {ms(t.wait, 99)} "
                f"| {ms(t.hold, 50)} | {ms(t.hold, 99)} | {ms(t.commit, 50)} "
                f"| {ms(t.commit, 99)} |",
                flush=True,
            )
