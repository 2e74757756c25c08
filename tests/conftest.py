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
from refdesk.server.db.migrate import upgrade
from refdesk.server.runtime import Runtime
from tests.support.app import client_for, empty_tables, make_settings


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


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    rt = Runtime.build(settings)
    await empty_tables(rt.db)
    try:
        yield rt
    finally:
        await rt.db.dispose()


@pytest.fixture
def app(runtime: Runtime) -> Any:
    return create_app(runtime=runtime)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c
