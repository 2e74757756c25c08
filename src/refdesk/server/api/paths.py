"""Pure ASGI: path normalisation before routing (contract §2.2), and HEAD served as GET."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_SLASHES = re.compile(r"/{2,}")


def normalise_path(path: str) -> str:
    path = _SLASHES.sub("/", path)
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    if path.endswith(".json"):
        path = path[: -len(".json")] or "/"
    if path == "/v2" or path.startswith("/v2/"):
        path = "/api" + path
    return path


class PathNormaliser:
    """Rewrites ``scope["path"]``; keeps the path as received in ``state["original_path"]``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        raw = scope.get("raw_path")
        state["original_path"] = raw.decode("latin-1") if raw else scope["path"]
        # ASGI servers give ``path`` percent-decoded already; decoding again would turn a
        # literal "%31" segment (sent as %2531) into "1".
        path = normalise_path(scope["path"])
        scope = dict(scope, path=path, raw_path=path.encode("utf-8"))
        await self.app(scope, receive, send)


class HeadAsGet:
    """Routes HEAD like GET and drops the body, so HEAD works wherever GET does (§2.7)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(dict(scope, method="GET"), receive, send_headers_only)
