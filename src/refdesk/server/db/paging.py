"""A page of a select and the total it belongs to, counting only when the page cannot tell.

A page that is neither empty nor full is the last one, so the total is ``offset + len(page)``
and the ``count(*)`` statement is skipped (most month lists, availability lists and small
sites). A full page, or an empty page past the start, still runs the count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.paging import PageRequest


async def scalar_page(
    session: AsyncSession,
    statement: Select[Any],
    order_by: Sequence[Any],
    offset: int,
    limit: int,
) -> tuple[list[Any], int]:
    page = list(
        (await session.scalars(statement.order_by(*order_by).offset(offset).limit(limit))).all()
    )
    if 0 < len(page) < limit or (offset == 0 and not page):
        return page, offset + len(page)
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    return page, int(total or 0)


async def row_page(
    session: AsyncSession,
    statement: Select[Any],
    order_by: Sequence[Any],
    page: PageRequest,
) -> tuple[list[Any], int]:
    """:func:`page_of` for a select of plain columns: ``(rows of the page, total)``."""
    offset, limit = page.offset, page.limit
    found = list(
        (await session.execute(statement.order_by(*order_by).offset(offset).limit(limit))).all()
    )
    if 0 < len(found) < limit or (offset == 0 and not found):
        return found, offset + len(found)
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    return found, int(total or 0)


async def page_of(
    session: AsyncSession, statement: Select[Any], order_by: Sequence[Any], page: PageRequest
) -> tuple[list[Any], int]:
    """The one paging helper of every offset list: ``(records of the page, total)``."""
    return await scalar_page(session, statement, order_by, page.offset, page.limit)
