"""``column IN <a list of ids>`` with the whole list bound as ONE parameter.

SQLAlchemy's expanding ``IN`` (``bindparam(..., expanding=True)``) rewrites the compiled
statement on every execution: one placeholder per id, a new SQL text per list length (and on
PostgreSQL a new prepared statement), hundreds of parameters for a page of games. Issue 15
measured it at ~0.3 ms of a 0.8 ms lookup of 100 users. Here the list is one value:

- PostgreSQL: ``column = ANY($1::BIGINT[])`` (an array parameter);
- SQLite: ``column IN (SELECT value FROM json_each(?))`` (the ids as a JSON array text).

The SQL text is the same for every list, so it is compiled once and the driver's statement
cache keeps it. An empty list matches nothing on both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import BigInteger, Boolean, String, TypeDecorator, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeEngine


class IdList(TypeDecorator[list[int]]):
    """A list of integer ids as one bound value: an array on PostgreSQL, JSON text elsewhere."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(BigInteger()))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Iterable[int] | None, dialect: Dialect) -> Any:
        ids = [int(v) for v in value or ()]
        return ids if dialect.name == "postgresql" else orjson.dumps(ids).decode()


class InIds(ColumnElement[bool]):
    """``column`` is one of the ids bound to ``name`` (see the module's docstring)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it is (SQLite: no "= 1" appended)
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("param", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.param: BindParameter[Any] = bindparam(name, type_=IdList())


@compiles(InIds)
def _in_json_each(element: InIds, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} IN (SELECT value FROM json_each({compiler.process(element.param, **kw)}))"


@compiles(InIds, "postgresql")
def _any_array(element: InIds, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY({compiler.process(element.param, **kw)})"


def in_ids(column: Any, name: str) -> InIds:
    """``column`` in the id list bound as ``name`` (a list, set or tuple of ints)."""
    return InIds(column, name)
