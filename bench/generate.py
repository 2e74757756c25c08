"""Bulk data generator: realistic volumes on SQLite or PostgreSQL, loaded fast.

A few template rows per site (patterns, games with their venues, teams, leagues and age
groups, an official, an availability entry) are created through the real API in-process, so
every derived column is exactly what the server writes. The bulk rows are then cloned from
those templates with the raw driver: ``COPY`` (asyncpg ``copy_records_to_table``) on
PostgreSQL, ``executemany`` in one transaction on SQLite.
"""

from __future__ import annotations

import asyncio
import base64
import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from refdesk.server.accounts.models import Account
from refdesk.server.app import create_app
from refdesk.server.auth.service import create_application, issue_tokens
from refdesk.server.config import Settings
from refdesk.server.db.migrate import upgrade
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User

SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
SITES = 20
OFFICIALS = 4_000
AVAILABILITY_PER_OFFICIAL = 25
SEASON_START = date(2027, 1, 1)  # in the future, so officials may still accept
SEASON_DAYS = 365
BENCH_SECRET_KEY = "bench-pepper-not-secret"
CHUNK = 50_000
TEMPLATE_GAMES = 4
VENUES = ("Riverside Park", "Hill Field", "Lakeside", "North Complex")
TEAMS = ("Hawks", "Falcons", "Eagles", "Owls", "Ravens", "Kites", "Swifts", "Herons")
LEAGUES = ("Harbor League", "Valley Cup")
AGE_GROUPS = ("U12 Boys", "U14 Girls")


@dataclass
class Fixture:
    """What the load generator needs: ids and credentials (bench data only)."""

    database_url: str
    scale: str
    games: int
    site_id: int
    assignor_token: str
    official_token: str
    official_user_id: int
    client_id: str
    client_secret: str
    game_ids: list[int] = field(default_factory=list)  # fresh games (lock_version 0)
    vacant_slots: list[int] = field(default_factory=list)  # vacant assignments, site 1
    month: str = "2027-03"
    counts: dict[str, int] = field(default_factory=dict)
    load_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def bench_settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        secret_key=BENCH_SECRET_KEY,
        password_time_cost=1,
        password_memory_cost=1024,
        force_https=False,
        hsts=False,
    )


def remove_sqlite(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def recreate_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        remove_sqlite(Path(parsed.database or ""))
        return
    import asyncpg

    name = parsed.database
    if not name or not name.startswith("refdesk_bench_"):
        raise SystemExit("the bench PostgreSQL database name must start with refdesk_bench_")
    admin = parsed.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


class RawDb:
    """The raw driver: read template rows and bulk-insert clones."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.sqlite = self.url.drivername.startswith("sqlite")
        self._pg: Any = None
        self._lite: sqlite3.Connection | None = None

    async def open(self) -> None:
        if self.sqlite:
            self._lite = sqlite3.connect(self.url.database or "")
            self._lite.row_factory = sqlite3.Row
            self._lite.execute("PRAGMA synchronous=OFF")
        else:
            import asyncpg

            dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._pg = await asyncpg.connect(dsn)

    async def close(self) -> None:
        if self._lite is not None:
            self._lite.commit()
            self._lite.close()
        if self._pg is not None:
            await self._pg.close()

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        if self._lite is not None:
            lite_sql = sql
            for n in range(len(args), 0, -1):
                lite_sql = lite_sql.replace(f"${n}", "?")
            return [dict(r) for r in self._lite.execute(lite_sql, args).fetchall()]
        return [dict(r) for r in await self._pg.fetch(sql, *args)]

    async def max_id(self, table: str) -> int:
        found = await self.rows(f"SELECT coalesce(max(id), 0) AS m FROM {table}")
        return int(found[0]["m"])

    async def insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = list(rows[0])
        if self._lite is not None:
            marks = ", ".join("?" for _ in columns)
            self._lite.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [tuple(r[c] for c in columns) for r in rows],
            )
        else:
            await self._pg.copy_records_to_table(
                table, records=[tuple(r[c] for c in columns) for r in rows], columns=columns
            )

    async def finish(self, tables: Sequence[str]) -> None:
        if self._lite is not None:
            self._lite.commit()
            self._lite.execute("ANALYZE")
            return
        for table in tables:
            await self._pg.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        await self._pg.execute("ANALYZE")


def shift(template: Any, new: datetime) -> Any:
    """``new`` in the template value's representation (aware datetime, or SQLite text)."""
    if isinstance(template, str):
        naive = new.astimezone(UTC).replace(tzinfo=None)
        return naive.isoformat(sep=" ", timespec="microseconds")
    return new


def as_datetime(value: Any) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    assert isinstance(value, datetime)
    return value


def as_date(template: Any, value: date) -> Any:
    return value.isoformat() if isinstance(template, str) else value


@dataclass
class SiteTemplates:
    site_id: int
    assignor_token: str
    game_ids: list[int]
    official_user_id: int
    official_account_id: int
    official_token: str
    availability_id: int


async def make_templates(rt: Runtime, client: httpx.AsyncClient, n: int) -> SiteTemplates:
    async with rt.db.transaction() as session:
        site = Site(name=f"Bench Site {n}", timezone="America/New_York")
        session.add(site)
        await session.flush()
        assignor_account = Account(
            login=f"assignor{n}@bench.example",
            email=f"assignor{n}@bench.example",
            first_name="Pat",
            last_name=f"Assignor{n}",
        )
        official_account = Account(
            login=f"official{n}-0@bench.example",
            email=f"official{n}-0@bench.example",
            first_name="Alex",
            last_name=f"Official{n}",
        )
        session.add_all([assignor_account, official_account])
        await session.flush()
        assignor = User(
            site_id=site.id,
            account_id=assignor_account.id,
            first_name="Pat",
            last_name=f"Assignor{n}",
            email_addresses=[assignor_account.email],
            assignor=True,
            official=False,
        )
        official = User(
            site_id=site.id,
            account_id=official_account.id,
            first_name="Alex",
            last_name=f"Official{n}",
            email_addresses=[official_account.email],
        )
        session.add_all([assignor, official])
        await session.flush()
        app = await create_application(session, rt.hasher, assignor_account.id, "bench")
        a_token = await issue_tokens(
            session, rt, app.application, assignor_account.id, {"read", "write"}
        )
        o_app = await create_application(session, rt.hasher, official_account.id, "bench")
        o_token = await issue_tokens(
            session, rt, o_app.application, official_account.id, {"read", "write"}
        )
        site_id, official_id, official_account_id = site.id, official.id, official_account.id
    headers = {"Authorization": f"Bearer {a_token['access_token']}"}
    pattern = await client.post(
        f"/api/v2/sites/{site_id}/patterns",
        json={
            "name": "3 officials",
            "positions": ["Referee", "Assistant Referee", "Assistant Referee"],
        },
        headers=headers,
    )
    pattern.raise_for_status()
    game_ids = []
    for g in range(TEMPLATE_GAMES):
        created = await client.post(
            f"/api/v2/sites/{site_id}/games",
            json={
                "game": {
                    "localized_date": (SEASON_START - timedelta(days=1 + g)).isoformat(),
                    "localized_time": "9:00 AM",
                    "venue_name": VENUES[g % len(VENUES)],
                    "home_team_name": TEAMS[(2 * g) % len(TEAMS)],
                    "away_team_name": TEAMS[(2 * g + 1) % len(TEAMS)],
                    "age_group_name": AGE_GROUPS[g % len(AGE_GROUPS)],
                    "pattern_name": "3 officials",
                    "league_name": LEAGUES[g % len(LEAGUES)],
                    "is_public": "y",
                }
            },
            headers=headers,
        )
        if created.status_code != 201:
            raise RuntimeError(f"template game: {created.status_code} {created.text}")
        game_ids.append(int(created.json()["id"]))
    entry = await client.post(
        f"/api/v2/users/{official_id}/availability",
        json={"date": SEASON_START.isoformat(), "start_time": "8am", "end_time": "11am"},
        headers={"Authorization": f"Bearer {o_token['access_token']}"},
    )
    entry.raise_for_status()
    return SiteTemplates(
        site_id=site_id,
        assignor_token=str(a_token["access_token"]),
        game_ids=game_ids,
        official_user_id=official_id,
        official_account_id=official_account_id,
        official_token=str(o_token["access_token"]),
        availability_id=int(entry.json()["id"]),
    )


def chunks(rows: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


async def generate(database_url: str, scale: str, data_dir: Path, seed: int = 5) -> Fixture:
    """Recreate the database and fill it; returns the fixture for the load generator."""
    started = asyncio.get_running_loop().time()
    rnd = random.Random(seed)
    total_games = SCALES[scale]
    await recreate_database(database_url)
    await upgrade(database_url)
    rt = Runtime.build(bench_settings(database_url, data_dir))
    app = create_app(runtime=rt)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        templates = [await make_templates(rt, client, n) for n in range(1, SITES + 1)]
        async with rt.db.transaction() as session:
            owner = templates[0].official_account_id
            bench_app = await create_application(session, rt.hasher, owner, "bench token")
            client_id = bench_app.application.client_id
            client_secret = bench_app.client_secret or ""
    await rt.db.dispose()

    raw = RawDb(database_url)
    await raw.open()
    try:
        fixture = await _bulk(raw, templates, total_games, rnd)
        await raw.finish(["accounts", "users", "games", "assignments", "availability"])
        fixture.counts = {
            t: int((await raw.rows(f"SELECT count(*) AS n FROM {t}"))[0]["n"])
            for t in ("sites", "users", "games", "assignments", "availability")
        }
    finally:
        await raw.close()
    fixture.database_url = database_url
    fixture.scale = scale
    fixture.games = total_games
    fixture.client_id = client_id
    fixture.client_secret = client_secret
    fixture.load_seconds = round(asyncio.get_running_loop().time() - started, 1)
    return fixture


async def _bulk(
    raw: RawDb, templates: list[SiteTemplates], total_games: int, rnd: random.Random
) -> Fixture:
    per_site_officials = OFFICIALS // SITES - 1  # plus the template official
    account_tpl = (
        await raw.rows("SELECT * FROM accounts WHERE id = $1", templates[0].official_account_id)
    )[0]
    user_tpl = (await raw.rows("SELECT * FROM users WHERE id = $1", templates[0].official_user_id))[
        0
    ]
    avail_tpl = (
        await raw.rows("SELECT * FROM availability WHERE id = $1", templates[0].availability_id)
    )[0]
    next_account = await raw.max_id("accounts") + 1
    next_user = await raw.max_id("users") + 1
    officials: dict[int, list[int]] = {}
    accounts, users = [], []
    for t in templates:
        ids = [t.official_user_id]
        for i in range(1, per_site_officials + 1):
            login = f"official{t.site_id}-{i}@bench.example"
            accounts.append({**account_tpl, "id": next_account, "login": login, "email": login})
            users.append(
                {
                    **user_tpl,
                    "id": next_user,
                    "site_id": t.site_id,
                    "account_id": next_account,
                    "last_name": f"Official{t.site_id}x{i}",
                    "email_addresses": user_tpl["email_addresses"],
                }
            )
            ids.append(next_user)
            next_account += 1
            next_user += 1
        officials[t.site_id] = ids
    await raw.insert("accounts", accounts)
    await raw.insert("users", users)

    next_avail = await raw.max_id("availability") + 1
    avail_rows: list[dict[str, Any]] = []
    for site_officials in officials.values():
        for user_id in site_officials:
            for k in range(AVAILABILITY_PER_OFFICIAL):
                day = SEASON_START + timedelta(days=(k * 14 + user_id) % SEASON_DAYS)
                avail_rows.append(
                    {
                        **avail_tpl,
                        "id": next_avail,
                        "user_id": user_id,
                        "date": as_date(avail_tpl["date"], day),
                    }
                )
                next_avail += 1
    for batch in chunks(iter(avail_rows)):
        await raw.insert("availability", batch)

    game_tpls: dict[int, list[dict[str, Any]]] = {}
    slot_tpls: dict[int, list[dict[str, Any]]] = {}
    for t in templates:
        game_tpls[t.site_id] = [
            (await raw.rows("SELECT * FROM games WHERE id = $1", gid))[0] for gid in t.game_ids
        ]
        slot_tpls[t.site_id] = await raw.rows(
            "SELECT * FROM assignments WHERE game_id = $1 ORDER BY sort_order", t.game_ids[0]
        )
    next_game = await raw.max_id("games") + 1
    next_slot = await raw.max_id("assignments") + 1
    first_site = templates[0].site_id
    fresh_games: list[int] = []
    vacant: list[int] = []
    per_site = total_games // SITES
    for t in templates:
        tpls = game_tpls[t.site_id]
        site_officials = officials[t.site_id]
        games: list[dict[str, Any]] = []
        slots: list[dict[str, Any]] = []
        for k in range(per_site):
            tpl = tpls[k % len(tpls)]
            day = SEASON_START + timedelta(days=(k * SEASON_DAYS) // per_site)
            hour = 14 + (k % 8)  # 9:00-16:00 in New York, same calendar day as in UTC
            start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            tpl_start = as_datetime(tpl["start_time"])
            row = {
                **tpl,
                "id": next_game,
                "start_time": shift(tpl["start_time"], start),
                "local_date": as_date(tpl["local_date"], day),
                "published": tpl["published"],
            }
            if tpl["end_time"] is not None:
                row["end_time"] = shift(
                    tpl["end_time"], start + (as_datetime(tpl["end_time"]) - tpl_start)
                )
            games.append(row)
            vacant_here = t.site_id == first_site and k % 2 == 0 and len(vacant) < 20_000
            # Distinct officials per game: one official holds at most one slot of a game.
            crew = rnd.sample(site_officials[1:], len(slot_tpls[t.site_id]))
            for s, official in zip(slot_tpls[t.site_id], crew, strict=True):
                filled = rnd.random() < 0.6
                slot = {
                    **s,
                    "id": next_slot,
                    "game_id": next_game,
                    "official_id": official if filled else None,
                    "accepted": filled and rnd.random() < 0.5,
                }
                if not filled and vacant_here:
                    vacant.append(next_slot)  # one vacant slot per game, one game per day
                    vacant_here = False
                slots.append(slot)
                next_slot += 1
            if t.site_id == first_site and day.month >= 6 and len(fresh_games) < 20_000:
                fresh_games.append(next_game)
            next_game += 1
            if len(slots) >= CHUNK:
                await raw.insert("games", games)
                await raw.insert("assignments", slots)
                games, slots = [], []
        await raw.insert("games", games)
        await raw.insert("assignments", slots)
    t0 = templates[0]
    return Fixture(
        database_url="",
        scale="",
        games=0,
        site_id=t0.site_id,
        assignor_token=t0.assignor_token,
        official_token=t0.official_token,
        official_user_id=t0.official_user_id,
        client_id="",
        client_secret="",
        game_ids=fresh_games,
        vacant_slots=vacant,
    )


def basic_auth(fixture: Fixture) -> str:
    raw = f"{fixture.client_id}:{fixture.client_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode()
