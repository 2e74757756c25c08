"""Every operation of the app's OpenAPI document, as (METHOD, path) pairs."""

from __future__ import annotations

from typing import Any

from refdesk.server.app import create_app
from refdesk.server.config import Settings


def _operations() -> list[tuple[str, str]]:
    settings = Settings(database_url="sqlite+aiosqlite://", secret_key="listing-only")
    document: dict[str, Any] = create_app(settings).api.openapi()  # type: ignore[attr-defined]
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


OPERATIONS = _operations()
