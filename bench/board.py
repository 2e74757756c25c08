"""``python -m bench board``: what the games board (``/board``) costs for a week of a tiny
site vs a large one.

Two sites are made as ``bench/generate.py`` makes them (templates through the real API
in-process, then bulk clones with the raw driver): a tiny one whose week holds its 4 template
games, and a large one with ``--week-games`` games in the measured week (and
``--season-games`` more spread over the year), each game's three slots filled at random by
``--officials`` officials (vacant, pending, accepted). Each site's assignor signs in through
the web form; ``GET /board?week=…`` is then rendered ``--runs`` times in-process (httpx over
ASGI, no network) and the figures printed: games on the board, SQL statements per render
(counted with a ``before_cursor_execute`` listener), median and p95 milliseconds.

The statement count must be the same for both sites (the board batch-loads everything); the
times are figures only, no assertion.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, update

from bench.generate import (
    SEASON_START,
    RawDb,
    as_date,
    as_datetime,
    bench_settings,
    make_templates,
    recreate_database,
    shift,
)
from refdesk.server.accounts.models import Account
from refdesk.server.app import create_app
from refdesk.server.db.migrate import upgrade
from refdesk.server.runtime import Runtime

PASSWORD = "bench-board-password"
TINY_WEEK = SEASON_START - timedelta(days=4)  # Monday 28 December 2026: the 4 templates
LARGE_WEEK = date(2027, 3, 1)  # a Monday


async def clone_games(
    raw: RawDb, site_id: int, template_ids: list[int], officials: list[int], days: list[date]
) -> None:
    """One game per entry of ``days`` (9:00–16:00 New York), cloned from the templates."""
    rnd = random.Random(13)
    tpls = [(await raw.rows("SELECT * FROM games WHERE id = $1", g))[0] for g in template_ids]
    slot_tpls = await raw.rows(
        "SELECT * FROM assignments WHERE game_id = $1 ORDER BY sort_order", template_ids[0]
    )
    next_game = await raw.max_id("games") + 1
    next_slot = await raw.max_id("assignments") + 1
    games: list[dict[str, Any]] = []
    slots: list[dict[str, Any]] = []
    for k, day in enumerate(days):
        tpl = tpls[k % len(tpls)]
        start = datetime(day.year, day.month, day.day, 14 + k % 8, tzinfo=UTC)
        row = {
            **tpl,
            "id": next_game,
            "start_time": shift(tpl["start_time"], start),
            "local_date": as_date(tpl["local_date"], day),
        }
        if tpl["end_time"] is not None:
            length = as_datetime(tpl["end_time"]) - as_datetime(tpl["start_time"])
            row["end_time"] = shift(tpl["end_time"], start + length)
        games.append(row)
        crew = rnd.sample(officials, len(slot_tpls))
        for s, official in zip(slot_tpls, crew, strict=True):
            filled = rnd.random() < 0.6
            slots.append(
                {
                    **s,
                    "id": next_slot,
                    "game_id": next_game,
                    "official_id": official if filled else None,
                    "accepted": filled and rnd.random() < 0.5,
                }
            )
            next_slot += 1
        next_game += 1
    await raw.insert("games", games)
    await raw.insert("assignments", slots)


async def clone_officials(
    raw: RawDb, template_account: int, template_user: int, count: int
) -> list[int]:
    """``count`` more officials (accounts and users) like the template official."""
    account = (await raw.rows("SELECT * FROM accounts WHERE id = $1", template_account))[0]
    tpl = (await raw.rows("SELECT * FROM users WHERE id = $1", template_user))[0]
    next_account = await raw.max_id("accounts") + 1
    next_user = await raw.max_id("users") + 1
    accounts, rows = [], []
    for i in range(count):
        login = f"board-official{i}@bench.example"
        accounts.append({**account, "id": next_account + i, "login": login, "email": login})
        rows.append(
            {
                **tpl,
                "id": next_user + i,
                "account_id": next_account + i,
                "first_name": "Official",
                "last_name": f"Number {i}",
            }
        )
    await raw.insert("accounts", accounts)
    await raw.insert("users", rows)
    return [template_user, *(r["id"] for r in rows)]


async def sign_in(client: httpx.AsyncClient, login: str) -> None:
    form = await client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None, form.text
    answer = await client.post(
        "/sign-in", data={"csrf_token": token.group(1), "login": login, "password": PASSWORD}
    )
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in: {answer.status_code} {answer.text[:200]}")


async def measure(rt: Runtime, app: Any, login: str, week: date, runs: int) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await sign_in(client, login)
        statements: list[str] = []

        def record(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
            if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT")):
                statements.append(statement)

        engine = rt.db.engine.sync_engine
        times: list[float] = []
        counts: list[int] = []
        games = 0
        for _ in range(runs):
            statements.clear()
            event.listen(engine, "before_cursor_execute", record)
            started = time.perf_counter()
            page = await client.get(f"/board?week={week.isoformat()}")
            times.append((time.perf_counter() - started) * 1000)
            event.remove(engine, "before_cursor_execute", record)
            if page.status_code != 200:
                raise RuntimeError(f"/board: {page.status_code}")
            counts.append(len(statements))
            games = len(re.findall(r'<li class="game[^"]*" id="game-', page.text))
    times.sort()
    return {
        "games": games,
        "statements": max(counts),
        "median_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
    }


async def run(args: argparse.Namespace) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="refdesk-bench-board-"))
    url = args.database_url or f"sqlite+aiosqlite:///{data_dir / 'board.db'}"
    await recreate_database(url)
    await upgrade(url)
    rt = Runtime.build(bench_settings(url, data_dir))
    app = create_app(runtime=rt)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await make_templates(rt, client, 1)
        large = await make_templates(rt, client, 2)
    logins = {1: "assignor1@bench.example", 2: "assignor2@bench.example"}
    async with rt.db.transaction() as session:
        await session.execute(
            update(Account)
            .where(Account.login.in_(list(logins.values())))
            .values(password_hash=rt.passwords.hash(PASSWORD))
        )
    await rt.db.dispose()
    loaded = time.perf_counter()
    raw = RawDb(url)
    await raw.open()
    try:
        officials = await clone_officials(
            raw, large.site_id, large.official_user_id, args.officials
        )
        week_days = [LARGE_WEEK + timedelta(days=k % 7) for k in range(args.week_games)]
        season = [
            SEASON_START + timedelta(days=(k * 365) // max(args.season_games, 1))
            for k in range(args.season_games)
        ]
        season = [d for d in season if not LARGE_WEEK <= d < LARGE_WEEK + timedelta(days=7)]
        await clone_games(raw, large.site_id, large.game_ids, officials, week_days + season)
        await raw.finish(["accounts", "users", "games", "assignments"])
    finally:
        await raw.close()
    print(f"seeded in {time.perf_counter() - loaded:.1f} s ({url.split(':')[0]})")
    rt = Runtime.build(bench_settings(url, data_dir))
    app = create_app(runtime=rt)
    try:
        rows = [
            ("tiny", await measure(rt, app, logins[1], TINY_WEEK, args.runs)),
            ("large", await measure(rt, app, logins[2], LARGE_WEEK, args.runs)),
        ]
    finally:
        await rt.db.dispose()
    facts = f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}"
    print(f"{facts}, {os.cpu_count()} cores")
    print(f"GET /board?week=… ({args.runs} renders each, in-process)")
    print(f"{'site':<8}{'games':>8}{'statements':>12}{'median ms':>12}{'p95 ms':>10}")
    for name, figures in rows:
        print(
            f"{name:<8}{figures['games']:>8}{figures['statements']:>12}"
            f"{figures['median_ms']:>12.1f}{figures['p95_ms']:>10.1f}"
        )
    same = rows[0][1]["statements"] == rows[1][1]["statements"]
    print("statements per render: " + ("the same for both sites" if same else "DIFFER"))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench board", description=__doc__)
    parser.add_argument("--week-games", type=int, default=300)
    parser.add_argument("--season-games", type=int, default=5000)
    parser.add_argument("--officials", type=int, default=150)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="", help="default: a SQLite file in /tmp")
    asyncio.run(run(parser.parse_args(argv)))
