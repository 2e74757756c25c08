"""Shared fixtures: a real, migrated database (SQLite by default, PostgreSQL when
REFDESK_TEST_DATABASE_URL is set), the app in-process through httpx.ASGITransport, and
plain ``create_*`` factories (tests/factories.py). Every test starts from empty tables."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from refdesk.server.app import create_app
from refdesk.server.config import Settings
from refdesk.server.db.engine import Database
from refdesk.server.db.migrate import upgrade
from refdesk.server.db.models import Base
from refdesk.server.runtime import Runtime

BASE_URL = "https://testserver"


def _recreate_postgres_database(url: str) -> None:
    import asyncpg  # only needed for PostgreSQL runs

    parsed = make_url(url)
    name = parsed.database
    admin = parsed.set(drivername="postgresql", database="postgres")

    async def run() -> None:
        conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Created and migrated once per session (the migration itself is under test here)."""
    url = os.environ.get("REFDESK_TEST_DATABASE_URL")
    if url:
        _recreate_postgres_database(url)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    asyncio.run(upgrade(url))
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    return os.environ.get("REFDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def make_settings(tmp_path: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "database_url": database_url,
        "secret_key": "test-pepper-not-secret",
        "password_time_cost": 1,
        "password_memory_cost": 1024,
        "flag_refresh_seconds": 0.0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


async def _empty_tables(db: Database) -> None:
    async with db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(table.delete())


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    rt = Runtime.build(settings)
    await _empty_tables(rt.db)
    try:
        yield rt
    finally:
        await rt.db.dispose()


@pytest.fixture
def app(runtime: Runtime) -> Any:
    return create_app(runtime=runtime)


def client_for(app: Any, base_url: str = BASE_URL, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
        base_url=base_url,
        **kwargs,
    )


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c
