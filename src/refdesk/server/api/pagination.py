"""Collections: ``page``/``limit`` parameters, the ``page`` object and its links (§9)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from refdesk.server.api.hal import api_url
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, MAX_INT, read_int

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


def collection(
    base: str,
    path: str,
    key: str,
    items: Iterable[dict[str, Any]],
    total: int,
    page: PageRequest,
    filters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The envelope of §9.2: ``page``, ``_links`` (self/first/last/next/prev), ``_embedded``."""
    pages = -(-total // page.limit) if total else 0
    current = page.page
    next_page = current + 1 if current < pages else None
    prev_page = current - 1 if current > 1 else None

    def url(target: int) -> dict[str, str]:
        query = dict(filters or {})
        query["page"] = str(target)
        if page.limit_supplied:
            query["limit"] = str(page.limit)
        return {"href": api_url(base, path, query)}

    links: dict[str, Any] = {"self": url(current), "first": url(1), "last": url(max(pages, 1))}
    if next_page is not None:
        links["next"] = url(next_page)
    if prev_page is not None:
        links["prev"] = url(prev_page)
    return {
        "page": {
            "records": total,
            "pages": pages,
            "current_page": current,
            "next_page": next_page,
            "prev_page": prev_page,
            "limit": page.limit,
        },
        "_links": links,
        "_embedded": {key: list(items)},
    }


def supplied_filters(
    raw_params: list[tuple[str, str]], recognised: Iterable[str]
) -> dict[str, str]:
    """The recognised filter parameters the request supplied, values exactly as sent."""
    wanted = set(recognised)
    found: dict[str, str] = {}
    for key, value in raw_params:
        if key in wanted:
            found[key] = value
    return found
