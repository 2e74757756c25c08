"""``select_rows`` sends a statement marked ``prepared`` through the driver itself on a read
session (``db/rows.py``, issue 15). It must give exactly what SQLAlchemy's execution gives
(same values, same Python types, readable by name and position), still fire
``before_cursor_execute`` (statement counts, the bench's capture), and fail in SQLAlchemy's
terms. Compared here on the demo's data: every id of each table through the bundle's lookups,
and every official's availability pages, read session (driver) against write session
(SQLAlchemy's execution, which the driver path leaves alone)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import column, literal, select, table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.availability.service import _rows_page
from refdesk.server.db.rows import prepared, select_many, select_rows
from refdesk.server.demo.seed import ensure_demo
from refdesk.server.games import bundle
from refdesk.server.games.models import Game
from refdesk.server.reference.models import AgeGroup, Pattern
from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User
from refdesk.server.venues.models import Venue
from tests.support.queries import counting


async def _ids(runtime: Runtime, model: Any) -> list[int]:
    async with runtime.db.session() as session:
        return list((await session.scalars(select(model.id).order_by(model.id))).all())


def _typed(rows: list[Any]) -> list[list[tuple[str, Any]]]:
    """Each value with its type's name: 1 == True and Decimal("1") == 1, but not here."""
    return [[(type(value).__name__, value) for value in row] for row in rows]


async def _both(runtime: Runtime, statement: Any, params: dict[str, Any]) -> list[Any]:
    async with runtime.db.session() as read:
        with counting(runtime) as sent:
            fast = await select_rows(read, statement, params)
        assert len(sent) == 1, sent  # the driver path fired the statement event
    async with runtime.db.session(write=True) as write:
        slow = await select_rows(write, statement, params)
        await write.rollback()
    assert _typed(fast) == _typed(slow)
    for fast_row, slow_row in zip(fast, slow, strict=True):  # by name, as the callers read
        assert [getattr(fast_row, key) for key in slow_row._fields] == list(slow_row)
    return fast


async def test_the_driver_path_reads_what_sqlalchemy_reads(runtime: Runtime) -> None:
    await ensure_demo(
        runtime, base_url="https://testserver", token_url="https://testserver/oauth/token",
        ca_cert=None,
    )  # fmt: skip
    game_ids = await _ids(runtime, Game)
    user_ids = await _ids(runtime, User)
    slots = await _both(runtime, bundle.SLOTS, {"ids": game_ids})
    assert len(slots) == len(await _ids(runtime, Assignment)) > 0
    assert {type(slot.created).__name__ for slot in slots} == {"datetime"}
    assert all(slot.created.tzinfo is not None for slot in slots)
    assert len(await _both(runtime, bundle.USERS, {"ids": user_ids})) == len(user_ids)
    venues = await _both(runtime, bundle.VENUES, {"ids": await _ids(runtime, Venue)})
    assert venues and any(v.zone__id is not None for v in venues)  # some with their zone
    assert any(v.latitude is not None for v in venues)
    fees = await _both(
        runtime,
        bundle.FEES,
        {"age_groups": await _ids(runtime, AgeGroup), "patterns": await _ids(runtime, Pattern)},
    )
    assert fees and {type(fee.amount).__name__ for fee in fees} == {"Decimal"}
    async with runtime.db.session() as session:
        games = list((await session.execute(select(*bundle.GAME_COLUMNS))).all())
    wanted: dict[str, list[int]] = {"team": []}
    for kind, _, attribute in bundle.NAMED:
        wanted[kind] = sorted({getattr(g, attribute) for g in games} - {None})
    wanted["team"] = sorted({g.home_team_id for g in games} | {g.away_team_id for g in games})
    names = await _both(runtime, bundle.NAMES, wanted)
    assert {row.kind for row in names} == {"team", *(kind for kind, _, _ in bundle.NAMED)}
    assert await _both(runtime, bundle.USERS, {"ids": []}) == []  # an empty list: no rows
    pages = 0
    for user_id in user_ids:
        for offset in (0, 2):
            page = await _both(
                runtime,
                _rows_page(False, False).page,
                {"user_id": user_id, "page_offset": offset, "page_limit": 2},
            )
            pages += bool(page)
    assert pages > 0
    dated = await _both(
        runtime,
        _rows_page(True, True).page,
        {
            "user_id": user_ids[-1], "start_date": date(2000, 1, 1),
            "end_date": date(2100, 1, 1), "page_offset": 0, "page_limit": 200,
        },
    )  # fmt: skip
    assert {type(entry.date).__name__ for entry in dated} <= {"date"}


async def test_a_failing_statement_fails_in_sqlalchemys_terms(runtime: Runtime) -> None:
    missing = prepared(select(column("id")).select_from(table("no_such_table")))
    async with runtime.db.session() as session:
        with pytest.raises(DBAPIError):
            await select_rows(session, missing)


async def test_statements_of_one_shape_each_bind_their_own_values(runtime: Runtime) -> None:
    """A select built per request is compiled once per shape (its cache key); every later
    statement of that shape must still send its own values, literals, limits and offsets."""
    await ensure_demo(
        runtime, base_url="https://testserver", token_url="https://testserver/oauth/token",
        ca_cert=None,
    )  # fmt: skip
    async with runtime.db.session() as session:
        site_ids = list((await session.scalars(select(Game.site_id).distinct())).all())
        starts = list((await session.scalars(select(Game.start_time).order_by(Game.id))).all())
    assert site_ids and len(starts) > 4
    seen: set[tuple[int, ...]] = set()
    for site_id in site_ids:
        for after, offset, limit in ((starts[0], 0, 3), (starts[len(starts) // 2], 1, 5)):
            statement = (
                select(*bundle.GAME_COLUMNS)
                .where(Game.site_id == site_id, Game.start_time >= after)
                .order_by(Game.start_time, Game.id)
                .offset(offset)
                .limit(limit)
            )
            rows = await _both(runtime, statement, {})
            assert len(rows) <= limit
            assert all(row.site_id == site_id and row.start_time >= after for row in rows)
            seen.add(tuple(row.id for row in rows))
    assert len(seen) > 1  # different values gave different pages


async def test_a_batch_reads_what_each_statement_reads_alone(runtime: Runtime) -> None:
    """``select_many`` (one hand-off to SQLite's thread for the bundle's four lookups) gives
    each statement's rows exactly as ``select_rows`` does, and announces every statement."""
    await ensure_demo(
        runtime, base_url="https://testserver", token_url="https://testserver/oauth/token",
        ca_cert=None,
    )  # fmt: skip
    game_ids = await _ids(runtime, Game)
    queries: list[tuple[Any, dict[str, Any]]] = [
        (bundle.VENUES, {"ids": await _ids(runtime, Venue)}),
        (bundle.SLOTS, {"ids": game_ids}),
        (bundle.USERS, {"ids": []}),
        (bundle.FEES, {"age_groups": await _ids(runtime, AgeGroup), "patterns": [0]}),
        (bundle.USERS, {"ids": await _ids(runtime, User)}),
    ]
    async with runtime.db.session() as read:
        with counting(runtime) as sent:
            batch = await select_many(read, queries)
        alone = [await select_rows(read, statement, params) for statement, params in queries]
    assert len(sent) == len(queries)  # each statement's event, in order
    assert [sql.split()[0] for sql in sent] == ["SELECT"] * len(queries)
    assert [_typed(rows) for rows in batch] == [_typed(rows) for rows in alone]
    assert [len(rows) > 0 for rows in batch] == [True, True, False, False, True]
    async with runtime.db.session(write=True) as write:  # a transaction: one by one
        assert [_typed(r) for r in await select_many(write, queries)] == [_typed(r) for r in alone]
        await write.rollback()


async def test_a_batch_with_a_failing_statement_fails_in_sqlalchemys_terms(
    runtime: Runtime,
) -> None:
    missing = prepared(select(column("id")).select_from(table("no_such_table")))
    async with runtime.db.session() as session:
        with pytest.raises(DBAPIError):
            await select_many(session, [(bundle.USERS, {"ids": [1]}), (missing, {})])


async def test_a_session_is_asked_for_its_connection_once_per_transaction(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request's lookups keep the session's connection (``rows._read_connection``); after a
    commit or a rollback the next lookup asks the session again, and reads on."""
    asked: list[AsyncSession] = []
    original = AsyncSession.connection

    async def connection(self: AsyncSession, *args: Any, **kwargs: Any) -> Any:
        asked.append(self)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncSession, "connection", connection)
    one = prepared(select(literal(1).label("one")))
    async with runtime.db.session() as read:
        for _ in range(3):
            assert [tuple(row) for row in await select_rows(read, one)] == [(1,)]
        assert len(await select_many(read, [(one, {}), (one, {})])) == 2
    assert len(asked) == 1
    asked.clear()
    async with runtime.db.session(write=True) as write:
        found = [await select_rows(write, one)]
        await write.commit()
        found.append(await select_rows(write, one))
        await write.rollback()
        found.append(await select_rows(write, one))
        await write.rollback()
    assert len(asked) == 3
    assert [[tuple(row) for row in rows] for rows in found] == [[(1,)]] * 3
    asked.clear()
    read = runtime.db.session()
    await select_rows(read, one)
    await read.close()  # a closed session may be used again: it takes a new connection
    assert [tuple(row) for row in await select_rows(read, one)] == [(1,)]
    await read.close()
    assert len(asked) == 2
