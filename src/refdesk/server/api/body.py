"""The one request-body reader (contract §3.3–3.5): JSON, vendor JSON, HAL JSON or form,
wrapped (``{"game": {...}}``) or not, merged into one plain dict."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request

from refdesk.server.api.errors import ApiError
from refdesk.server.api.media import FORM, JSON_TYPES, MULTIPART, parse_content_type

MAX_DEPTH = 3
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def bad_request(message: str) -> ApiError:
    return ApiError("bad_request", message)


def set_bracketed(target: dict[str, Any], key: str, value: Any) -> None:
    """``a[b][]`` style keys into nested dicts/lists; a repeated scalar keeps the last value."""
    match = _KEY.match(key)
    if not match:
        target[key] = value
        return
    parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
    if len(parts) - 1 > MAX_DEPTH:
        raise bad_request(f"Parameter {key} is nested too deeply")
    node: Any = target
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        following = None if last else parts[i + 1]
        if isinstance(node, list):
            if part == "":
                if last:
                    node.append(value)
                    return
                node.append({} if following != "" else [])
                node = node[-1]
                continue
            raise bad_request(f"Parameter {key} mixes list and object notation")
        if not isinstance(node, dict):
            raise bad_request(f"Parameter {key} conflicts with another parameter")
        if last:
            node[part] = value
            return
        if following == "":
            child = node.get(part)
            if not isinstance(child, list):
                child = []
                node[part] = child
            node = child
        elif following is not None and following.isdigit():
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        else:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
    return


def _is_index(key: str) -> bool:
    """A list index in bracket notation: ASCII digits (``"²".isdigit()`` is true, yet no
    number), short enough to convert (Python refuses ints of over 4,300 digits)."""
    return key.isascii() and key.isdigit() and len(key) <= 9


def _index_lists(value: Any) -> Any:
    """``{"0": {...}, "1": {...}}`` produced by ``positions[0][name]`` becomes a list."""
    if isinstance(value, dict):
        converted = {k: _index_lists(v) for k, v in value.items()}
        if converted and all(_is_index(k) for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    if isinstance(value, list):
        return [_index_lists(v) for v in value]
    return value


def reject_nul(value: Any, where: str) -> None:
    """PostgreSQL text cannot hold NUL: refuse it at the edge (400) instead of failing later
    with a 500. Iterative, as JSON may nest deeper than Python's recursion limit."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise bad_request(f"The {where} must not contain NUL characters")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def decode_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        set_bracketed(result, key, value)
    return dict(_index_lists(result))


def decode_form(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_request("The form body could not be decoded") from exc
    reject_nul(pairs, "request body")
    return decode_pairs(pairs)


def decode_json(raw: bytes) -> dict[str, Any]:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request("The request body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise bad_request("The request body must be a JSON object")
    reject_nul(value, "request body")
    return value


def unwrap(data: dict[str, Any], key: str | None) -> dict[str, Any]:
    if key and isinstance(data.get(key), dict):
        inner = data[key]
        merged = {k: v for k, v in data.items() if k != key}
        merged.update(inner)
        return merged
    return data


async def read_raw(request: Request, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise bad_request(f"The request body is larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_body(
    request: Request, key: str | None, max_bytes: int, *, allow_multipart: bool = False
) -> dict[str, Any]:
    """Decode the body of a POST/PUT/PATCH; an empty body means no fields."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return {}
    cached = getattr(request.state, "decoded_body", None)
    if isinstance(cached, dict):
        return unwrap(cached, key)
    raw = await read_raw(request, max_bytes)
    if not raw:
        request.state.decoded_body = {}
        return {}
    content_type = parse_content_type(request.headers.get("content-type"))
    allowed = set(JSON_TYPES) | {FORM} | ({MULTIPART} if allow_multipart else set())
    if content_type is None or content_type.media_type not in allowed:
        raise ApiError("unsupported_media_type", "The request body's Content-Type is not supported")
    if content_type.charset not in (None, "utf-8", "utf8"):
        raise ApiError("unsupported_media_type", "Only UTF-8 request bodies are supported")
    if content_type.media_type == FORM:
        data = decode_form(raw)
    elif content_type.media_type == MULTIPART:
        data = await decode_multipart(request, raw)
    else:
        data = decode_json(raw)
    request.state.decoded_body = data
    return unwrap(data, key)


async def decode_multipart(request: Request, raw: bytes) -> dict[str, Any]:
    from starlette.datastructures import UploadFile
    from starlette.formparsers import MultiPartException, MultiPartParser

    async def stream() -> AsyncGenerator[bytes, None]:
        yield raw
        yield b""

    try:
        form = await MultiPartParser(request.headers, stream()).parse()
    except (MultiPartException, ValueError, KeyError) as exc:
        raise bad_request("The multipart body could not be decoded") from exc
    pairs: list[tuple[str, Any]] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            pairs.append((name, (await value.read()).decode("utf-8", errors="replace")))
        else:
            pairs.append((name, value))
    reject_nul(pairs, "request body")
    return decode_pairs(pairs)


def query_dict(request: Request) -> dict[str, Any]:
    """Query string in bracket notation (``search[start_date]``); last value wins."""
    try:
        pairs = parse_qsl(request.url.query, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_request("The query string could not be decoded") from exc
    reject_nul(pairs, "query string")
    try:
        return decode_pairs(pairs)
    except ApiError:
        return {k: v for k, v in pairs}
