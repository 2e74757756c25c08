"""Offset paging of every list: the ``page``/``limit`` request (§9.1), free of the wire's links.

Services take a :class:`PageRequest`; ``api/pagination.py`` turns the result into the
collection envelope. Parsing records problems on an :class:`ErrorCollector`, so a list's
page and filter problems are reported together in one 422.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, MAX_INT, read_int
from refdesk.server.inputs import Input, problems_of

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class PageRequest:
    page: int
    limit: int
    limit_supplied: bool

    @property
    def offset(self) -> int:
        """Rows to skip, capped at the 64-bit range the databases take for OFFSET: any page
        that far out is past the end of every list (and answers 200 with an empty list)."""
        return min((self.page - 1) * self.limit, MAX_INT)


def _parse_positive(
    value: Any, field: str, errors: ErrorCollector, maximum: int | None
) -> int | None:
    number = read_int(value, field, errors, 1, maximum)
    return None if number is INVALID else int(number)


def parse_page(
    query: dict[str, Any],
    errors: ErrorCollector,
    default_limit: int = DEFAULT_LIMIT,
    max_limit: int = DEFAULT_LIMIT,
) -> PageRequest:
    """Read ``page`` and ``limit``; problems go to ``errors`` (the caller raises)."""
    page_value = query.get("page")
    limit_value = query.get("limit")
    page = 1
    if page_value not in (None, ""):
        page = _parse_positive(page_value, "page", errors, MAX_INT) or 1
    limit = default_limit
    supplied = limit_value not in (None, "")
    if supplied:
        limit = _parse_positive(limit_value, "limit", errors, max_limit) or default_limit
    return PageRequest(page, limit, supplied)


@dataclass(frozen=True, kw_only=True)
class PageQuery(Input):
    """A list without filters: only ``page`` and ``limit`` (problems reported after §5)."""

    page: PageRequest


def parse_page_query(query: dict[str, Any]) -> PageQuery:
    errors = ErrorCollector()
    page = parse_page(query, errors)
    return PageQuery(problems=problems_of(errors), page=page)
