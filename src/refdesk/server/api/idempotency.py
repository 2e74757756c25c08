"""Pure ASGI, step 11 of §5: ``Idempotency-Key`` on API ``POST`` requests (contract §13).

Placed innermost (just around the FastAPI app), so path normalisation, rate limiting, HTTPS,
maintenance and route/method checks have already passed. Steps 7–10 (Accept, authentication,
scope, body) are answered by the app itself: when any of them would fail, the request is passed
through untouched and the app reports that failure first.

Otherwise the key is validated, the request fingerprinted (method, normalised path, query
string, decoded body as canonical JSON) and the key claimed by inserting an in-flight row in its
own committed transaction. The app then runs with the body re-fed to it; its response is
buffered, stored when 2xx (status, sealed body, Content-Type, Location) or the claim released,
and only then sent on. The record holds nothing readable without the raw key
(``idempotency_store.py``). Rate-limit and other common headers are added by the outer
middleware, so a replay always carries current ones.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import orjson
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from refdesk.server.api.bearer import resolve
from refdesk.server.api.body import decode_form, decode_json
from refdesk.server.api.errors import ApiError, send_error
from refdesk.server.api.idempotency_store import Claimed, IdempotencyStore, RecordKey, Stored
from refdesk.server.api.media import FORM, JSON_TYPES, parse_content_type
from refdesk.server.api.responses import negotiation_of
from refdesk.server.runtime import Runtime

log = logging.getLogger("refdesk.idempotency")

HEADER = b"idempotency-key"
KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeout,
    ConnectionError,
    OSError,
)


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, _CONNECTION_ERRORS)


def is_api_path(path: str) -> bool:
    return path == "/api/v2" or path.startswith("/api/v2/")


def valid_key(value: str) -> bool:
    return bool(KEY_RE.match(value))


def canonical_request(
    method: str, path: str, query: str, body: dict[str, Any], raw: bytes
) -> bytes:
    """The request as canonical JSON (sorted keys), the input of the (keyed) fingerprint;
    bodies too deep for the encoder (orjson stops at 254 levels) are taken as their bytes."""
    head = {"method": method, "path": path, "query": query}
    try:
        return orjson.dumps({**head, "body": body}, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return orjson.dumps({**head, "raw": raw.hex()}, option=orjson.OPT_SORT_KEYS)


def decode_for_fingerprint(content_type_header: str | None, raw: bytes) -> dict[str, Any] | None:
    """The decoded body as the app will see it, or None when the app would reject it (415/400)."""
    if not raw:
        return {}
    content_type = parse_content_type(content_type_header)
    if content_type is None or content_type.media_type not in (JSON_TYPES | {FORM}):
        return None
    if content_type.charset not in (None, "utf-8", "utf8"):
        return None
    try:
        if content_type.media_type == FORM:
            return decode_form(raw)
        return decode_json(raw)
    except (ApiError, ValueError, TypeError):
        return None


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class Idempotency:
    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self.settings = runtime.settings
        self.store = IdempotencyStore(runtime)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        keys = [v.decode("latin-1") for k, v in scope.get("headers", ()) if k == HEADER]
        if not keys:
            await self.app(scope, receive, send)
            return
        account_id = await self._account_for(scope)
        if account_id is None:
            await self.app(scope, receive, send)
            return
        chunks, complete = await self._read_body(receive)
        replay_receive = _replaying(chunks, receive, more_body=not complete)
        raw = b"".join(chunks)
        decoded = (
            decode_for_fingerprint(_header(scope.get("headers", []), b"content-type"), raw)
            if complete
            else None
        )
        if decoded is None:  # the app answers 400/415 (step 10 precedes step 11)
            await self.app(scope, replay_receive, send)
            return
        if len(keys) != 1 or not valid_key(keys[0]):
            await send_error(
                scope,
                replay_receive,
                send,
                self.settings,
                "bad_request",
                "The Idempotency-Key header must be 1 to 255 printable ASCII characters",
            )
            return
        key = RecordKey(self.runtime.hasher, account_id, keys[0])
        query = scope.get("query_string", b"").decode("latin-1")
        print_ = key.fingerprint(canonical_request("POST", scope["path"], query, decoded, raw))
        try:
            claim = await self.store.claim(account_id, key, print_)
        except Exception as exc:
            if not _is_connection_error(exc):
                raise
            self.runtime.flags.mark_unreachable()
            log.error("database unreachable while claiming an idempotency key")
            await send_error(
                scope,
                replay_receive,
                send,
                self.settings,
                "service_unavailable",
                "The database is unreachable; try again later",
                headers={"Retry-After": str(self.settings.unavailable_retry_after)},
            )
            return
        if isinstance(claim, Claimed):
            await self._execute(scope, replay_receive, send, claim.record_id, key)
            return
        refusal = _refusal(claim, print_)
        if refusal is not None:
            await send_error(scope, replay_receive, send, self.settings, *refusal)
        elif claim is not None and claim.body is not None:
            await _replay(claim, claim.body, send)

    async def _account_for(self, scope: Scope) -> int | None:
        """The acting account when steps 7–9 pass (Accept, token, write scope), else None."""
        if not negotiation_of(scope).acceptable:
            return None
        try:
            result = await resolve(
                scope, self.runtime.db, self.runtime.hasher, self.runtime.tokens.cache
            )
        except Exception:
            scope.setdefault("state", {}).pop("bearer", None)
            return None
        principal = result.principal
        if principal is None or "write" not in principal.scopes:
            return None
        return principal.account_id

    async def _read_body(self, receive: Receive) -> tuple[list[bytes], bool]:
        """Read up to ``max_body_bytes``; (chunks, False) when larger or the client left."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return chunks, False
            chunk = message.get("body", b"")
            if chunk:
                chunks.append(chunk)
                size += len(chunk)
                if size > self.settings.max_body_bytes:
                    return chunks, False
            if not message.get("more_body", False):
                return chunks, True

    async def _execute(
        self, scope: Scope, receive: Receive, send: Send, record_id: int, key: RecordKey
    ) -> None:
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, receive, capture)
        except Exception:
            await self.store.release(record_id)
            for message in messages:  # e.g. the 500 the app answered before re-raising
                await send(message)
            raise
        except BaseException:
            await self.store.release(record_id)
            raise
        start = next((m for m in messages if m["type"] == "http.response.start"), None)
        status = int(start["status"]) if start else 500
        if start is not None and 200 <= status < 300:
            headers = list(start.get("headers", []))
            body = b"".join(
                m.get("body", b"") for m in messages if m["type"] == "http.response.body"
            )
            try:
                await self.store.complete(
                    record_id,
                    key,
                    status,
                    body,
                    _header(headers, b"content-type"),
                    _header(headers, b"location"),
                )
            except Exception as exc:
                log.error("could not store idempotent response: %s", type(exc).__name__)
                await self.store.release(record_id)
        else:
            await self.store.release(record_id)
        for message in messages:
            await send(message)


def _refusal(claim: Stored | None, print_: str) -> tuple[str, str] | None:
    """The error (code, message) answering a key that is taken, or None to replay."""
    if claim is None or claim.status is None:
        return (
            "idempotency_key_in_use",
            "A request with this Idempotency-Key is still being processed; retry later",
        )
    if claim.fingerprint != print_:
        return (
            "idempotency_key_reused",
            "This Idempotency-Key was already used with a different request",
        )
    if claim.body is None:  # does not open with this key: altered in the database
        log.error("a stored idempotent response could not be opened")
        return (
            "idempotency_key_reused",
            "The response stored for this Idempotency-Key cannot be replayed; use a new key",
        )
    return None


def _replaying(chunks: list[bytes], receive: Receive, *, more_body: bool) -> Receive:
    """A receive that hands the already-read body to the app, then defers to the client."""
    pending = [b"".join(chunks)]

    async def replay() -> Message:
        if pending:
            return {"type": "http.request", "body": pending.pop(), "more_body": more_body}
        return await receive()

    return replay


async def _replay(stored: Stored, body: bytes, send: Send) -> None:
    headers: list[tuple[bytes, bytes]] = [(b"idempotent-replayed", b"true")]
    if stored.content_type:
        headers.append((b"content-type", stored.content_type.encode("latin-1")))
    if stored.location:
        headers.append((b"location", stored.location.encode("latin-1")))
    status = stored.status or 200
    if status not in (204, 304):
        headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
