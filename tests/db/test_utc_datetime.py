"""``UTCDateTime`` reads every stored instant back as the same aware UTC ``datetime``, on
SQLite (text, parsed by ``fromisoformat``) and PostgreSQL (the driver's instants), whatever
text an older row or another tool left in SQLite (issue 15: its own result processor)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text

from refdesk.server.db.base import UTCDateTime
from refdesk.server.runtime import Runtime

METADATA = MetaData()
STAMPS = Table(
    "test_utc_stamps",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime()),
)
INSTANTS = [
    datetime(2026, 12, 5, 11, 9, 43, 123456, tzinfo=UTC),
    datetime(2026, 12, 5, 11, 9, 43, tzinfo=UTC),
    datetime(1850, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 3, 8, 2, 30, tzinfo=timezone(timedelta(hours=-5))),  # any offset: stored in UTC
    None,
]


async def test_instants_come_back_as_the_same_aware_utc_values(runtime: Runtime) -> None:
    engine = runtime.db.engine
    async with engine.begin() as conn:
        await conn.run_sync(METADATA.drop_all)
        await conn.run_sync(METADATA.create_all)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(STAMPS), [{"id": n, "at": at} for n, at in enumerate(INSTANTS)]
            )
            if runtime.db.dialect == "sqlite":  # text not written by SQLAlchemy
                await conn.execute(
                    text(
                        "INSERT INTO test_utc_stamps (id, at) VALUES "
                        "(100, '2026-12-05T11:09:43'), (101, '2026-12-05'), "
                        "(102, '2026-12-05 11:09:43.5'), (103, '2026-12-05 11:09:43+02:00')"
                    )
                )
        async with engine.connect() as conn:
            rows = dict((await conn.execute(select(STAMPS.c.id, STAMPS.c.at))).all())
    finally:
        async with engine.begin() as conn:
            await conn.run_sync(METADATA.drop_all)
    for n, at in enumerate(INSTANTS):
        read = rows[n]
        if at is None:
            assert read is None
            continue
        assert read == at and read.tzinfo is UTC, (n, read, at)
    if runtime.db.dialect == "sqlite":
        assert rows[100] == datetime(2026, 12, 5, 11, 9, 43, tzinfo=UTC)
        assert rows[101] == datetime(2026, 12, 5, tzinfo=UTC)
        assert rows[102] == datetime(2026, 12, 5, 11, 9, 43, 500000, tzinfo=UTC)
        assert rows[103] == datetime(2026, 12, 5, 9, 9, 43, tzinfo=UTC)
        assert all(rows[n].tzinfo is UTC for n in (100, 101, 102, 103))
