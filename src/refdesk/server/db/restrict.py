"""Deleting a record that other rows still reference through an ``ON DELETE RESTRICT`` key
(a venue, team, league, age group, pattern, game type or gender of a game; a position of a
slot): contract §18.1–18.2 answer ``422 base ["is used by games and can't be deleted"]``
and change nothing, where the database alone would raise ``IntegrityError`` (a 500).

The check reads the keys from the models' metadata, so a new RESTRICT key is covered without
touching this module; the ``IntegrityError`` of a row added between check and delete (a
concurrent writer) gets the same answer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Table, exists, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.db.base import Base
from refdesk.server.errors import ValidationFailed

IN_USE = "is used by games and can't be deleted"


@lru_cache(maxsize=64)
def restricting_columns(table: Table) -> tuple[Column[Any], ...]:
    """Columns of every table whose foreign key to ``table`` is ``ON DELETE RESTRICT``."""
    return tuple(
        fk.parent
        for other in Base.metadata.sorted_tables
        for fk in other.foreign_keys
        if fk.column.table is table and (fk.ondelete or "").upper() == "RESTRICT"
    )


async def is_referenced(session: AsyncSession, table: Table, record_id: int) -> bool:
    columns = restricting_columns(table)
    if not columns:
        return False
    probes = [select(exists().where(column == record_id).label("used")) for column in columns]
    rows = await session.scalars(union_all(*probes))
    return any(rows.all())


async def ensure_unreferenced(session: AsyncSession, record: Any, message: str = IN_USE) -> None:
    """422 ``base [message]`` while RESTRICT rows point at ``record``."""
    if await is_referenced(session, record.__table__, record.id):
        raise ValidationFailed({"base": [message]})


async def delete_checked(session: AsyncSession, record: Any, message: str = IN_USE) -> None:
    """Delete and flush after :func:`ensure_unreferenced`; a referencing row written in the
    meantime by another transaction makes the flush fail: same 422, nothing changed."""
    await session.delete(record)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise ValidationFailed({"base": [message]}) from None
