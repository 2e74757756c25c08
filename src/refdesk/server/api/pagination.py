"""Collections: ``page``/``limit`` parameters, the ``page`` object and its links (§9)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from refdesk.server.api.hal import api_url
from refdesk.server.paging import DEFAULT_LIMIT, PageRequest, parse_page

__all__ = ["DEFAULT_LIMIT", "PageRequest", "collection", "parse_page", "supplied_filters"]


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
