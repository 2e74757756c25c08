"""``python -m bench board``: what the games board (``/board``) and the assigning panel
(``/board/slots/{id}``) cost for a week of a tiny site vs a large one.

Two sites are made as ``bench/generate.py`` makes them (templates through the real API
in-process, then bulk clones with the raw driver): a tiny one whose week holds its 4 template
games, and a large one with ``--week-games`` games in the measured week (and
``--season-games`` more spread over the year), each game's three slots filled at random by
``--officials`` officials (vacant, pending, accepted). With ``--scale 100k`` (10k, 1m) the
large site is instead site 1 of the main bench's dataset (``bench.generate.generate``: 20
sites, 4,000 officials, the games spread over 2027), with the tiny site added to the same
database. ``--db postgresql`` uses the database ``refdesk_bench_board`` on 127.0.0.1:5432
(created, then dropped); SQLite (a file in /tmp, removed) by default.

Each site's assignor signs in through the web form; ``GET /board?week=…`` and the panel of
the week's first vacant slot are then rendered ``--runs`` times each after one warm-up render
(in-process: httpx over ASGI, no network) and the figures printed as a Markdown table: games
on the board / candidates on the panel, SQL statements per render (counted with a
``before_cursor_execute`` listener), median and p95 milliseconds, and the median's ratio to
the tiny site's, all measured in one run.

The statement counts must be the same for both sites (the board and the panel batch-load
everything); the times are figures only, no assertion.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, select, update
from sqlalchemy.engine import make_url

from bench.generate import (
    SCALES,
    SEASON_START,
    RawDb,
    as_date,
    as_datetime,
    bench_settings,
    generate,
    make_templates,
    recreate_database,
    shift,
)
from refdesk.server.accounts.models import Account
from refdesk.server.app import create_app
from refdesk.server.assignments.models import Assignment
from refdesk.server.db.migrate import upgrade
from refdesk.server.games.models import Game
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


GAME_ITEM = r'<li class="game[^"]*" id="game-'
CANDIDATE_ITEM = r'<li class="card[^"]*" id="candidate-'


@dataclass
class Figures:
    items: int  # games on the board, candidates on the panel
    statements: int
    median_ms: float
    p95_ms: float
    sql: list[str] = field(default_factory=list)  # the last render's statements


async def measure(
    rt: Runtime, client: httpx.AsyncClient, path: str, item: str, runs: int
) -> Figures:
    """Render ``path`` ``runs`` times (after one warm-up render) with the signed-in client."""
    statements: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    engine = rt.db.engine.sync_engine
    times: list[float] = []
    counts: list[int] = []
    sql: dict[int, list[str]] = {}  # a render's statements by their number
    items = 0
    for n in range(runs + 1):
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        started = time.perf_counter()
        page = await client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        event.remove(engine, "before_cursor_execute", record)
        if page.status_code != 200:
            raise RuntimeError(f"{path}: {page.status_code} {page.text[:200]}")
        if n == 0:
            continue  # warm-up: caches, first connection
        times.append(elapsed)
        counts.append(len(statements))
        sql.setdefault(len(statements), list(statements))
        items = len(re.findall(item, page.text))
    times.sort()
    # the usual number: the maintenance flag's short cache adds its re-read to a render now
    # and then, whatever the page
    usual = Counter(counts).most_common(1)[0][0]
    return Figures(
        items=items,
        statements=usual,
        median_ms=statistics.median(times),
        p95_ms=times[min(len(times) - 1, int(len(times) * 0.95))],
        sql=sql[usual],
    )


async def vacant_slot(rt: Runtime, site_id: int, week: date) -> int:
    """A vacant slot of a game of the site in the week (the earliest such slot)."""
    async with rt.db.session() as session:
        found = await session.scalar(
            select(Assignment.id)
            .join(Game, Game.id == Assignment.game_id)
            .where(
                Game.site_id == site_id,
                Game.local_date >= week,
                Game.local_date < week + timedelta(days=7),
                Assignment.official_id.is_(None),
            )
            .order_by(Game.start_time, Assignment.id)
            .limit(1)
        )
    if found is None:
        raise RuntimeError(f"no vacant slot in site {site_id} in the week of {week}")
    return int(found)


async def measure_site(
    rt: Runtime, app: Any, login: str, site_id: int, week: date, runs: int
) -> tuple[Figures, Figures]:
    """The week board and the assigning panel of a vacant slot of that week."""
    slot = await vacant_slot(rt, site_id, week)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await sign_in(client, login)
        board = await measure(rt, client, f"/board?week={week.isoformat()}", GAME_ITEM, runs)
        panel = await measure(rt, client, f"/board/slots/{slot}", CANDIDATE_ITEM, runs)
    return board, panel


async def set_passwords(rt: Runtime, logins: list[str]) -> None:
    async with rt.db.transaction() as session:
        await session.execute(
            update(Account)
            .where(Account.login.in_(logins))
            .values(password_hash=rt.passwords.hash(PASSWORD))
        )


def shape(statement: str) -> str:
    """A statement without its IN lists' length, on one line, cut."""
    flat = " ".join(statement.split())
    return re.sub(r"\((?:\?|\$\d+)(?:, (?:\?|\$\d+))*\)", "(…)", flat)[:120]


def report(rows: list[tuple[str, Figures, Figures]], runs: int, url: str, seeded: str) -> list[str]:
    """The printed table: each site's board and panel, and the ratio to the first (tiny) row."""
    facts = f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}"
    lines = [
        seeded,
        f"{facts}, {os.cpu_count()} cores, database: {make_url(url).get_backend_name()}",
        f"{runs} renders each after one warm-up, in-process (httpx over ASGI, no network)",
        "",
        "| site | page | items | statements | median ms | p95 ms | median vs tiny |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    base = rows[0]
    for name, board, panel in rows:
        for page, figures, tiny in (
            ("week board (games)", board, base[1]),
            ("panel (candidates)", panel, base[2]),
        ):
            ratio = figures.median_ms / tiny.median_ms if tiny.median_ms else 0.0
            lines.append(
                f"| {name} | {page} | {figures.items} | {figures.statements} "
                f"| {figures.median_ms:.1f} | {figures.p95_ms:.1f} | {ratio:.1f}x |"
            )
    lines.append("")
    for label, index in (("board", 1), ("panel", 2)):
        same = len({r[index].statements for r in rows if isinstance(r[index], Figures)}) == 1
        lines.append(
            f"{label} statements per render: "
            + ("the same for every site" if same else "DIFFER between sites")
        )
        if not same:  # which statements one site's render has that another's has not
            first = Counter(shape(q) for q in rows[0][index].sql)
            for name, *pages in rows[1:]:
                other = Counter(shape(q) for q in pages[index - 1].sql)
                for q in sorted((other - first) | (first - other)):
                    where = name if other[q] > first[q] else rows[0][0]
                    lines.append(f"  only in {where}: {q}")
    return lines


async def run(args: argparse.Namespace) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="refdesk-bench-board-"))
    try:
        url = database_url(args, data_dir)
        try:
            if args.scale:
                lines = await run_scale(args, url, data_dir)
            else:
                lines = await run_default(args, url, data_dir)
        finally:
            if not make_url(url).drivername.startswith("sqlite"):
                await drop_database(url)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print("\n".join(lines))


def database_url(args: argparse.Namespace, data_dir: Path) -> str:
    if args.database_url:
        return str(args.database_url)
    if args.db == "postgresql":
        return "postgresql+asyncpg://postgres@127.0.0.1:5432/refdesk_bench_board"
    return f"sqlite+aiosqlite:///{data_dir / 'board.db'}"


async def drop_database(url: str) -> None:
    import asyncpg

    parsed = make_url(url)
    name = parsed.database or ""
    if not name.startswith("refdesk_bench_"):
        return
    admin = parsed.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def run_scale(args: argparse.Namespace, url: str, data_dir: Path) -> list[str]:
    """The main bench's dataset (``bench/generate.py``: 20 sites, 4,000 officials, the games
    spread over 2027) plus a tiny site (its 4 template games) in the same database."""
    started = time.perf_counter()
    fixture = await generate(url, args.scale, data_dir)
    rt = Runtime.build(bench_settings(url, data_dir))
    app = create_app(runtime=rt)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        tiny = await make_templates(rt, client, 0)
    big_login, tiny_login = "assignor1@bench.example", "assignor0@bench.example"
    await set_passwords(rt, [big_login, tiny_login])
    seeded = (
        f"{args.scale}: {fixture.counts} generated in {time.perf_counter() - started:.0f} s; "
        f"big = site {fixture.site_id} (assignor1), tiny = a 4-game site in the same database"
    )
    try:
        rows = [
            ("tiny", *await measure_site(rt, app, tiny_login, tiny.site_id, TINY_WEEK, args.runs)),
            (
                args.scale,
                *await measure_site(rt, app, big_login, fixture.site_id, LARGE_WEEK, args.runs),
            ),
        ]
    finally:
        await rt.db.dispose()
    return report(rows, args.runs, url, seeded)


async def run_default(args: argparse.Namespace, url: str, data_dir: Path) -> list[str]:
    await recreate_database(url)
    await upgrade(url)
    rt = Runtime.build(bench_settings(url, data_dir))
    app = create_app(runtime=rt)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        tiny = await make_templates(rt, client, 1)
        large = await make_templates(rt, client, 2)
    logins = {1: "assignor1@bench.example", 2: "assignor2@bench.example"}
    await set_passwords(rt, list(logins.values()))
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
    seeded = f"large site seeded in {time.perf_counter() - loaded:.1f} s"
    rt = Runtime.build(bench_settings(url, data_dir))
    app = create_app(runtime=rt)
    try:
        rows = [
            ("tiny", *await measure_site(rt, app, logins[1], tiny.site_id, TINY_WEEK, args.runs)),
            (
                "large",
                *await measure_site(rt, app, logins[2], large.site_id, LARGE_WEEK, args.runs),
            ),
        ]
    finally:
        await rt.db.dispose()
    return report(rows, args.runs, url, seeded)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench board", description=__doc__)
    parser.add_argument("--week-games", type=int, default=300)
    parser.add_argument("--season-games", type=int, default=5000)
    parser.add_argument("--officials", type=int, default=150)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        help="instead of the large site: the main bench's dataset at this size (bench/generate.py)",
    )
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: database refdesk_bench_board on 127.0.0.1:5432, created and dropped",
    )
    parser.add_argument("--database-url", default="", help="overrides --db")
    asyncio.run(run(parser.parse_args(argv)))
