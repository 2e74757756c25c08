"""Migrations apply on an empty SQLite and an empty PostgreSQL database and produce exactly the
schema the models describe."""

from __future__ import annotations

import os
import uuid
import warnings
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, make_url

from refdesk.server.db.engine import make_engine
from refdesk.server.db.migrate import MIGRATIONS, alembic_config, current, upgrade
from refdesk.server.db.models import Base


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    with warnings.catch_warnings():
        # Expression indexes (lower(name)) cannot be reflected by SQLite; they are created by
        # the migrations and checked by the uniqueness tests instead.
        warnings.simplefilter("ignore")
        return list(compare_metadata(context, Base.metadata))


async def _check(url: str) -> None:
    await upgrade(url)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None and MIGRATIONS.is_dir()
    assert await current(url) == head
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(_diff)
    finally:
        await engine.dispose()
    assert differences == []
    await upgrade(url)  # a second run is a no-op
    assert await current(url) == head


async def test_migrations_on_empty_sqlite(tmp_path: Path) -> None:
    await _check(f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}")


async def test_migrations_on_empty_postgresql() -> None:
    base = os.environ.get(
        "REFDESK_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    import asyncpg

    name = f"refdesk_migrate_{uuid.uuid4().hex[:8]}"
    admin = make_url(base).set(drivername="postgresql", database="postgres")
    try:
        conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    except OSError as exc:  # pragma: no cover - PostgreSQL is a required service here
        pytest.fail(f"PostgreSQL is not reachable: {exc}")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        await _check(make_url(base).set(database=name).render_as_string(hide_password=False))
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
