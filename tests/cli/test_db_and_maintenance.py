"""``refdesk db upgrade`` and ``refdesk maintenance on|off`` against the real database."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory

from refdesk.server.db.migrate import alembic_config, current
from tests.support.cli import Invoke


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def test_db_upgrade_is_idempotent_on_the_test_database(
    invoke: Invoke, database_url: str
) -> None:
    for _ in range(2):
        result = await invoke("db", "upgrade")
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == f"database is at revision {head_revision()}"
    assert await current(database_url) == head_revision()


async def test_db_upgrade_creates_the_default_sqlite_file_in_the_data_dir(
    invoke: Invoke, tmp_path: Path
) -> None:
    data_dir = tmp_path / "fresh"
    result = await invoke(
        "db", "upgrade", env={"REFDESK_DATABASE_URL": "", "REFDESK_DATA_DIR": str(data_dir)}
    )
    assert result.exit_code == 0, result.output
    database = data_dir / "refdesk.sqlite3"
    assert database.is_file()
    assert await current(f"sqlite+aiosqlite:///{database}") == head_revision()


async def test_unreachable_database_is_one_error_line(invoke: Invoke) -> None:
    url = "postgresql+asyncpg://refdesk:hunter2@127.0.0.1:1/nowhere"
    result = await invoke("db", "upgrade", env={"REFDESK_DATABASE_URL": url})
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "Error: cannot use the database at postgresql+asyncpg://refdesk:***@"
    )
    assert "hunter2" not in result.output


async def test_maintenance_on_and_off(invoke: Invoke, client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).status_code == 200

    result = await invoke("maintenance", "on")
    assert result.exit_code == 0, result.output
    assert "maintenance mode on" in result.stdout

    health = await client.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "maintenance"}
    assert health.headers["Retry-After"] == "300"
    api = await client.get("/api/v2")
    assert api.status_code == 503
    assert api.json()["error"] == "maintenance"
    assert api.headers["Retry-After"] == "300"

    result = await invoke("maintenance", "off")
    assert result.exit_code == 0, result.output
    health = await client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert (await client.get("/api/v2")).status_code == 200


async def test_maintenance_rejects_other_words(invoke: Invoke, client: httpx.AsyncClient) -> None:
    result = await invoke("maintenance", "maybe")
    assert result.exit_code == 2
    assert "'maybe' is not one of 'on', 'off'" in result.output
    assert (await client.get("/healthz")).status_code == 200


async def test_hole_9_db_upgrade_creates_a_private_data_dir_and_database(
    invoke: Invoke, tmp_path: Path
) -> None:
    data_dir = tmp_path / "fresh" / "data"
    old_umask = os.umask(0o022)  # the usual umask: without care files come out 0644
    try:
        result = await invoke(
            "db", "upgrade", env={"REFDESK_DATABASE_URL": "", "REFDESK_DATA_DIR": str(data_dir)}
        )
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "refdesk.sqlite3").stat().st_mode) == 0o600


async def test_hole_9_db_upgrade_tightens_loose_files_and_warns(
    invoke: Invoke, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "old"
    env = {"REFDESK_DATABASE_URL": "", "REFDESK_DATA_DIR": str(data_dir)}
    assert (await invoke("db", "upgrade", env=env)).exit_code == 0
    (data_dir / "tls").mkdir()
    loose = [
        data_dir / "refdesk.sqlite3",
        data_dir / "refdesk.sqlite3-wal",  # empty: SQLite reads it as "no WAL yet"
        data_dir / "secret_key",
        data_dir / "demo.json",
        data_dir / "tls" / "ca-key.pem",
    ]
    for path in loose:
        path.touch()
        os.chmod(path, 0o644)
    for path in (data_dir, data_dir / "tls"):
        os.chmod(path, 0o755)
    with caplog.at_level(logging.WARNING, logger="refdesk"):
        result = await invoke("db", "upgrade", env=env)
    assert result.exit_code == 0, result.output
    for path in (data_dir, data_dir / "tls"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    for path in loose:
        if path.exists():  # SQLite removes its -wal file when the last connection closes
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert f"{path} was readable by other local users (mode 0644)" in caplog.text
    assert (data_dir / "tls" / "ca.pem").exists() is False  # nothing else was created
