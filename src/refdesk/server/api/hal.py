"""HAL building blocks: absolute API links (``/api/v2/...json``) and link objects (§2.4, §10)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote


def encode_query(params: dict[str, str]) -> str:
    """Sorted by key (byte order), every byte but RFC 3986 unreserved percent-encoded (§9.3)."""
    items = sorted(params.items(), key=lambda kv: kv[0].encode("utf-8"))
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)


def api_url(base: str, path: str, query: dict[str, str] | None = None) -> str:
    """``base`` + ``/api/v2`` + ``path`` + ``.json`` (+ query). ``path`` starts with ``/``."""
    url = f"{base}/api/v2{path}.json"
    if query:
        url += "?" + encode_query(query)
    return url


def link(base: str, path: str, resource_type: str | None = None) -> dict[str, str]:
    """A link object; ``resource-type`` only for links to one resource (§10.1)."""
    href = api_url(base, path)
    if resource_type:
        return {"resource-type": resource_type, "href": href}
    return {"href": href}


def href(url: str) -> dict[str, str]:
    return {"href": url}


def resource(
    fields: dict[str, Any], links: dict[str, Any], embedded: dict[str, Any] | None = None
) -> dict[str, Any]:
    body = dict(fields)
    body["_links"] = links
    if embedded:
        body["_embedded"] = embedded
    return body
