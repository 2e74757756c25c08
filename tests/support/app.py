"""The app under test: its settings, an in-process HTTP client, and emptying the tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from refdesk.server.config import Settings
from refdesk.server.db.engine import Database
from refdesk.server.db.models import Base

BASE_URL = "https://testserver"


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


async def empty_tables(db: Database) -> None:
    async with db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(table.delete())


def client_for(app: Any, base_url: str = BASE_URL, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
        base_url=base_url,
        **kwargs,
    )
