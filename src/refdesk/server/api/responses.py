"""orjson-backed responses whose Content-Type follows the request's negotiation."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.background import BackgroundTask
from starlette.responses import Response
from starlette.types import Scope

from refdesk.server.api.media import Negotiation, negotiate
from refdesk.server.api.origin import header


def dumps(content: Any) -> bytes:
    return orjson.dumps(content)


def negotiation_of(scope: Scope) -> Negotiation:
    """The request's Accept negotiation, computed once and kept in the scope state."""
    state = scope.setdefault("state", {})
    cached = state.get("negotiation")
    if isinstance(cached, Negotiation):
        return cached
    result = negotiate(header(scope, b"accept"))
    state["negotiation"] = result
    return result


class ApiResponse(Response):
    """A HAL/JSON body; pass ``media_type`` explicitly (from :func:`negotiation_of`)."""

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, media_type, background)

    def render(self, content: Any) -> bytes:
        return dumps(content)
