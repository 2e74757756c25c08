"""A page of a select and the total it belongs to, counting only when the page cannot tell.

A page that is neither empty nor full is the last one, so the total is ``offset + len(page)``
and the ``count(*)`` statement is skipped (most month lists, availability lists and small
sites). A full page, or an empty page past the start, still runs the count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Integer, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.db.rows import prepared, select_rows
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
    """:func:`page_of` for a select of plain columns: ``(rows of the page, total)``, run on
    the session's Core connection (:func:`~refdesk.server.db.rows.select_rows`)."""
    offset, limit = page.offset, page.limit
    found = await select_rows(session, statement.order_by(*order_by).offset(offset).limit(limit))
    if 0 < len(found) < limit or (offset == 0 and not found):
        return found, offset + len(found)
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    return found, int(total or 0)


class PrebuiltPage:
    """A row list's page and count statements, built once with bound parameters (including
    the offset and the limit): SQLAlchemy memoizes a prebuilt statement's cache key, whereas a
    select built per request is walked again to find its compiled form."""

    def __init__(self, statement: Select[Any], order_by: Sequence[Any]) -> None:
        self.page = prepared(
            statement.order_by(*order_by)
            .offset(bindparam("page_offset", type_=BigInteger()))  # up to 2**63 - 1
            .limit(bindparam("page_limit", type_=Integer()))
        )
        self.count = select(func.count()).select_from(statement.subquery())


async def prebuilt_row_page(
    session: AsyncSession, prebuilt: PrebuiltPage, params: dict[str, Any], page: PageRequest
) -> tuple[list[Any], int]:
    """:func:`row_page` of a :class:`PrebuiltPage` with ``params`` bound."""
    offset, limit = page.offset, page.limit
    found = await select_rows(
        session, prebuilt.page, {**params, "page_offset": offset, "page_limit": limit}
    )
    if 0 < len(found) < limit or (offset == 0 and not found):
        return found, offset + len(found)
    total = await session.scalar(prebuilt.count, params)
    return found, int(total or 0)


async def page_of(
    session: AsyncSession, statement: Select[Any], order_by: Sequence[Any], page: PageRequest
) -> tuple[list[Any], int]:
    """The one paging helper of every offset list: ``(records of the page, total)``."""
    return await scalar_page(session, statement, order_by, page.offset, page.limit)
