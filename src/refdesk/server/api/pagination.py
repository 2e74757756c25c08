"""Collections: ``page``/``limit`` parameters, the ``page`` object and its links (§9)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from refdesk.server.api.hal import api_url
from refdesk.server.errors import ErrorCollector

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class PageRequest:
    page: int
    limit: int
    limit_supplied: bool

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def _parse_positive(
    value: Any, field: str, errors: ErrorCollector, maximum: int | None
) -> int | None:
    if isinstance(value, (dict, list)):
        errors.add(field, "is not a number")
        return None
    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        try:
            float(text)
        except ValueError:
            errors.add(field, "is not a number")
        else:
            errors.add(field, "must be an integer")
        return None
    if number < 1:
        errors.add(field, "must be greater than or equal to 1")
        return None
    if maximum is not None and number > maximum:
        errors.add(field, f"must be less than or equal to {maximum}")
        return None
    return number


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
        page = _parse_positive(page_value, "page", errors, 2**62) or 1
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
