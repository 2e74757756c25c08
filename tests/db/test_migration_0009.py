"""Migration 0009 on a database with data: refresh tokens get their family from their
authorization code (or themselves), and idempotency records written before (raw key, plain
body with a client secret) are deleted."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from refdesk.server.db.engine import make_engine
from refdesk.server.db.migrate import upgrade

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
LATER = datetime(2027, 3, 1, 10, tzinfo=UTC)
ROWS = [
    "INSERT INTO accounts (id, login, email, first_name, last_name, operator, active, created,"
    " updated) VALUES (1, 'a', 'a@example.org', 'A', 'B', false, true, :now, :now)",
    "INSERT INTO applications (id, account_id, name, client_id, client_secret_hash,"
    " confidential, redirect_uris, scopes, created, updated) VALUES (1, 1, 'App', 'cid', 'h',"
    " true, '[]', 'read write', :now, :now)",
    "INSERT INTO authorization_codes (id, code_hash, application_id, account_id, scopes,"
    " expires_at, used_at, created) VALUES (7, 'c7', 1, 1, 'read', :now, :now, :now)",
    "INSERT INTO refresh_tokens (id, token_hash, application_id, account_id,"
    " authorization_code_id, scopes, expires_at, revoked_at, created) VALUES"
    " (1, 'r1', 1, 1, 7, 'read', :later, :now, :now),"
    " (2, 'r2', 1, 1, 7, 'read', :later, NULL, :now),"
    " (3, 'r3', 1, 1, NULL, 'read', :later, NULL, :now)",
    "INSERT INTO idempotency_records (account_id, key, fingerprint, status, body, expires_at,"
    " created) VALUES (1, 'raw-key', 'f', 201, :body, :later, :now)",
]


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'm0009.sqlite3'}"
        return
    import asyncpg

    base = os.environ.get(
        "REFDESK_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    name = f"refdesk_m0009_{uuid.uuid4().hex[:8]}"
    admin = make_url(base).set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def test_0009_backfills_families_and_drops_readable_idempotency_records(
    empty_url: str,
) -> None:
    await upgrade(empty_url, "0007")
    engine = make_engine(empty_url)
    try:
        async with engine.begin() as conn:
            for statement in ROWS:
                params = {"now": NOW, "later": LATER, "body": b'{"client_secret": "plain"}'}
                await conn.execute(text(statement), params)
        await upgrade(empty_url)
        async with engine.connect() as conn:
            families = dict(
                (await conn.execute(text("SELECT id, family FROM refresh_tokens"))).all()
            )
            records = (
                await conn.execute(text("SELECT count(*) FROM idempotency_records"))
            ).scalar_one()
    finally:
        await engine.dispose()
    assert families == {1: "code7", 2: "code7", 3: "token3"}
    assert records == 0
