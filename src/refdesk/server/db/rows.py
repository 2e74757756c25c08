"""Plain column rows of a select, run on the session's Core connection.

``session.execute(select(<columns>))`` runs an ORM-enabled select: the ORM sets up its
compile state and builds every row through its loading loop (a processor call per column
per row), even when no entity is selected. The hot reads (game pages, one game, slots,
availability) only want rows, so they run on the session's own connection instead: the same
transaction, the same statement (and statement events), the same typed values, without the
ORM's per-row work. Pending ORM changes are flushed first when the session autoflushes, as
it would have before a query (a write answers with the bundle of what it just changed).

On a read session (no transaction: autocommit) the statement goes further: its SQL is
compiled once per shape (SQLAlchemy's cache key; by identity for a statement built once and
marked :func:`prepared`) and sent with the driver itself (asyncpg ``fetch``; aiosqlite
``execute_fetchall``, one hand-off to SQLite's thread instead of four), its bound values and
its columns converted by SQLAlchemy's own type processors, and ``before_cursor_execute`` is
still fired with the SQL and parameters sent (statement counts, the bench's capture). Rows are
named tuples: read by column name or by position, like SQLAlchemy's. A statement that
SQLAlchemy must rewrite per call (an expanding ``IN``) goes SQLAlchemy's way. Should the
driver fail, the statement is run again the usual way, so that errors (a lost connection:
503) are SQLAlchemy's as everywhere else. Issue 15 measured a page's four lookups at
0.5-0.7 ms each on SQLite through SQLAlchemy's execution, 0.25 ms this way.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Executable, Float, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from refdesk.server.db.engine import AUTOCOMMIT_OPTION

S = TypeVar("S", bound=Executable)
_PREPARED: dict[int, Executable] = {}  # id -> the statement (kept alive: ids stay unique)
_PLANS: dict[Any, _Plan | None] = {}  # None: this shape goes SQLAlchemy's way
MAX_PLANS = 1000  # distinct statement shapes (filters combine); beyond, SQLAlchemy's way
# The column's type as PostgreSQL reports it, which SQLAlchemy's numeric processors need: the
# driver returns Decimal for numeric (1700) and float for double precision (701).
PG_NUMERIC_OID = 1700
PG_FLOAT8_OID = 701
_KEPT = "refdesk.read_connection"  # session.info: (transaction, connection, driver's or None)


def prepared(statement: S) -> S:
    """Mark a statement built once (module level): its plan is found by identity, without
    computing its cache key on every call."""
    _PREPARED[id(statement)] = statement
    return statement


@dataclass(frozen=True)
class _Plan:
    compiled: Any  # SQLAlchemy's compiled form: the SQL and the parameters' names and order
    sql: str
    positions: tuple[str, ...]  # bound parameter names in the order the driver takes them
    binders: dict[str, Callable[[Any], Any]]
    converters: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column index, processor)
    row: Callable[[Any], tuple[Any, ...]]  # a driver row -> a named tuple


def _plan(statement: Executable, dialect: Dialect, cache_key: Any) -> _Plan | None:
    options = {} if cache_key is None else {"cache_key": cache_key}  # for later values
    compiled: Any = cast(Any, statement).compile(dialect=dialect, **options)
    if compiled.post_compile_params or compiled.literal_execute_params or not compiled.positional:
        return None  # expanding IN lists and the like: SQLAlchemy rewrites them per call
    positions = tuple(compiled.positiontup or ())
    binders = {
        name: processor
        for name, processor in compiled._bind_processors.items()
        if processor is not None and name in positions
    }
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    keys: list[str] = []
    for index, column in enumerate(compiled._result_columns):
        keys.append(column.keyname)
        type_ = column.type
        coltype = None
        if dialect.name == "postgresql":
            impl = type_.dialect_impl(dialect)
            if isinstance(impl, Float):
                coltype = PG_FLOAT8_OID
            elif isinstance(impl, Numeric):
                coltype = PG_NUMERIC_OID
        processor = type_._cached_result_processor(dialect, coltype)
        if processor is not None:
            converters.append((index, processor))
    row_type: Any = namedtuple("Row", keys, rename=True)  # type: ignore[misc]
    return _Plan(compiled, str(compiled), positions, binders, tuple(converters), row_type._make)


def _plan_of(statement: Executable, dialect: Dialect) -> tuple[_Plan | None, Any]:
    """The statement's plan and the bound values it carries (None for a prepared one): the
    plan is compiled from the first statement of its shape (SQLAlchemy's cache key), later
    ones of that shape only lend their values."""
    extracted: Any = None
    cache_key: Any = None
    if id(statement) in _PREPARED:
        key: Any = (id(statement), dialect.name)
    else:
        cache_key = cast(Any, statement)._generate_cache_key()
        if cache_key is None:
            return None, None
        key, extracted = (cache_key.key, dialect.name), cache_key.bindparams
    if key in _PLANS:
        return _PLANS[key], extracted
    plan = _plan(statement, dialect, cache_key)
    if len(_PLANS) < MAX_PLANS:
        _PLANS[key] = plan
    return plan, extracted


def reads_only(session: AsyncSession) -> bool:
    """Whether ``session`` is a read session (autocommit, no transaction), without taking its
    connection: what it loads is only read, so rows may stand in for entities."""
    bind = session.bind
    return isinstance(bind, AsyncEngine) and _autocommit(bind.get_execution_options())


def _is_read_session(connection: AsyncConnection) -> bool:
    sync_connection = connection.sync_connection
    return sync_connection is not None and _autocommit(sync_connection.get_execution_options())


def _autocommit(options: Mapping[str, Any]) -> bool:
    """A read session's options: autocommit (refdesk's flag on SQLite, the isolation level on
    PostgreSQL)."""
    return bool(options.get(AUTOCOMMIT_OPTION)) or options.get("isolation_level") == "AUTOCOMMIT"


async def _read_connection(session: AsyncSession) -> AsyncConnection:
    """The session's connection, pending ORM changes flushed first (as a query would).

    Kept in ``session.info`` with the transaction it belongs to: a request's later lookups
    find it there instead of asking the session again (a greenlet hand-off each). A commit
    or rollback ends that transaction, so the next lookup asks the session."""
    sync = session.sync_session
    if sync.autoflush and (sync.new or sync.deleted or sync.identity_map.check_modified()):
        await session.flush()
    kept = session.info.get(_KEPT)
    transaction = sync.get_transaction()
    if kept is not None and transaction is not None and kept[0] is transaction:
        return cast(AsyncConnection, kept[1])
    connection = await session.connection()
    session.info[_KEPT] = (sync.get_transaction(), connection, None)
    return connection


async def _driver_of(session: AsyncSession, connection: AsyncConnection) -> Any:
    """The driver's own connection under ``connection``, kept beside it once taken."""
    kept = session.info.get(_KEPT)
    if kept is not None and kept[1] is connection and kept[2] is not None:
        return kept[2]
    raw = (await connection.get_raw_connection()).driver_connection
    if kept is not None and kept[1] is connection:
        session.info[_KEPT] = (kept[0], connection, raw)
    return raw


async def select_rows(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> list[Any]:
    """The rows of ``statement``, a select of plain columns, with ``params`` bound."""
    connection = await _read_connection(session)
    if _is_read_session(connection):
        found = await _driver_rows(session, connection, statement, params or {})
        if found is not None:
            return found
    result = await connection.execute(statement, params)
    return list(result.all())


async def select_many(
    session: AsyncSession, queries: Sequence[tuple[Executable, Mapping[str, Any]]]
) -> list[list[Any]]:
    """The rows of several independent selects, in order: :func:`select_rows` of each, but on
    a read session with the driver's connection taken once. On SQLite all of them go in one
    hand-off to SQLite's thread (about 60 µs of CPU saved per statement); on PostgreSQL they
    are sent one after the other. When a statement cannot go the driver's way, or the driver
    fails, each runs as :func:`select_rows` would run it."""
    connection = await _read_connection(session)
    if _is_read_session(connection):
        found = await _driver_batch(session, connection, queries)
        if found is not None:
            return found
    return [await select_rows(session, statement, params) for statement, params in queries]


def _sqlite_fetch_each(raw: Any, batch: list[tuple[str, tuple[Any, ...]]]) -> list[Any]:
    """On SQLite's thread: every statement of ``batch``, fetched whole."""
    return [raw._execute_fetchall(sql, arguments) for sql, arguments in batch]


async def _driver_batch(
    session: AsyncSession,
    connection: AsyncConnection,
    queries: Sequence[tuple[Executable, Mapping[str, Any]]],
) -> list[list[Any]] | None:
    prepared_ = [_bound(connection, statement, params) for statement, params in queries]
    plans = [found for found in prepared_ if found is not None]
    if len(plans) < len(prepared_):
        return None
    raw = await _driver_of(session, connection)
    for plan, arguments in plans:
        _announce(connection, plan, arguments)
    try:  # SQLAlchemy's path raises the error in its own terms (and invalidates)
        if connection.dialect.name == "postgresql":
            results = [await raw.fetch(plan.sql, *arguments) for plan, arguments in plans]
        else:  # aiosqlite (pinned to 0.22) runs a function on its thread with _execute
            batch = [(plan.sql, arguments) for plan, arguments in plans]
            results = await raw._execute(_sqlite_fetch_each, raw, batch)
    except Exception:
        return None
    return [_rows_of(plan, records) for (plan, _), records in zip(plans, results, strict=True)]


def _bound(
    connection: AsyncConnection, statement: Executable, params: Mapping[str, Any]
) -> tuple[_Plan, tuple[Any, ...]] | None:
    """The statement's plan and its arguments in the driver's order; None when the statement
    needs SQLAlchemy's per-call rewriting."""
    plan, extracted = _plan_of(statement, connection.dialect)
    if plan is None:
        return None
    bound = plan.compiled.construct_params(
        params, extracted_parameters=extracted, escape_names=False
    )
    binders = plan.binders
    values = [
        binders[name](bound[name]) if name in binders else bound[name] for name in plan.positions
    ]
    return plan, tuple(values)


def _announce(connection: AsyncConnection, plan: _Plan, arguments: tuple[Any, ...]) -> None:
    """``before_cursor_execute`` with the SQL and parameters sent (statement counts)."""
    sync_connection = connection.sync_connection
    assert sync_connection is not None  # an open session's connection
    dispatch = sync_connection.dispatch
    if dispatch.before_cursor_execute:
        dispatch.before_cursor_execute(sync_connection, None, plan.sql, arguments, None, False)


def _rows_of(plan: _Plan, records: Any) -> list[Any]:
    """Driver records as named tuples, each column through SQLAlchemy's type processor."""
    make, converters = plan.row, plan.converters
    if not converters:
        return [make(record) for record in records]
    rows: list[Any] = []
    for record in records:
        values = list(record)
        for index, convert in converters:
            values[index] = convert(values[index])
        rows.append(make(values))
    return rows


async def _driver_rows(
    session: AsyncSession,
    connection: AsyncConnection,
    statement: Executable,
    params: Mapping[str, Any],
) -> list[Any] | None:
    """The driver-level path; None when the driver failed (the caller runs it again) or the
    statement needs SQLAlchemy's per-call rewriting."""
    found = _bound(connection, statement, params)
    if found is None:
        return None
    plan, arguments = found
    _announce(connection, plan, arguments)
    raw = await _driver_of(session, connection)
    try:
        if connection.dialect.name == "postgresql":
            records: Any = await raw.fetch(plan.sql, *arguments)
        else:
            records = await raw.execute_fetchall(plan.sql, arguments)
    except Exception:  # SQLAlchemy's path raises the error in its own terms (and invalidates)
        return None
    return _rows_of(plan, records)
