"""Calls and flows, without I/O: what an API request is before authentication and transport,
how it becomes a wire request, and how a 2xx answer is decoded.

Helpers are written once as *flows*: generators that yield :class:`Call` objects and receive
each decoded answer (or have the call's APIError thrown into them), so a helper that needs
several requests (re-read and re-apply on 409) is no harder than one that needs one. The
engine (``_engine``) carries flows out; pagination asks :func:`next_page_call` between pages.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

import httpx

from refdesk.client._errors import RefdeskError
from refdesk.client._hal import Page, Resource

VENDOR_TYPE = "application/vnd.assignr.v2.hal+json"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})

T = TypeVar("T")
Answer = Resource | None


@dataclass(frozen=True)
class Call:
    """One API request, before authentication and transport."""

    method: str
    url: str  # relative to the base URL ("sites/7") or an absolute link from the server
    params: Mapping[str, Any] | None = None
    json: Any = None
    idempotency_key: str | None = None
    headers: Mapping[str, str] | None = None

    @property
    def retryable(self) -> bool:
        """Safe methods, and POSTs the server can de-duplicate (contract §13)."""
        method = self.method.upper()
        return method in SAFE_METHODS or (method == "POST" and bool(self.idempotency_key))


Flow = Generator[Call, Answer, T]


def must(answer: Answer) -> Resource:
    """The resource of a call that always has a body."""
    if answer is None:
        raise RefdeskError("the server answered without a body where one was expected")
    return answer


def single(call: Call) -> Flow[Resource]:
    """The flow of a request that returns one resource."""
    return must((yield call))


def no_content(call: Call) -> Flow[None]:
    yield call
    return None


def page_of(call: Call, key: str | None) -> Flow[Page]:
    return Page(must((yield call)), key)


def next_page_call(page: Page, seen: set[str]) -> Call | None:
    """The request for the page after ``page``, or None when any stop signal says so (§9.2).
    A ``next`` link already visited also stops (a server bug must not loop forever)."""
    if page.is_last:
        return None
    href = page.next_url
    if href is None or href in seen:
        return None
    seen.add(href)
    return Call("GET", href)


def flatten_params(
    params: Mapping[str, Any] | None,
) -> list[tuple[str, str | int | float | bool | None]]:
    """``{"search": {"name": "x"}, "limit": 2}`` -> ``search[name]=x&limit=2`` (§3.6)."""
    out: list[tuple[str, str | int | float | bool | None]] = []

    def add(key: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, Mapping):
            for sub, item in value.items():
                add(f"{key}[{sub}]", item)
        elif isinstance(value, list | tuple):
            for item in value:
                add(f"{key}[]", item)
        elif isinstance(value, bool):
            out.append((key, "true" if value else "false"))
        else:
            out.append((key, str(value)))

    for key, value in (params or {}).items():
        add(key, value)
    return out


def _json_default(value: Any) -> Any:
    """Python values a body may carry that JSON lacks: dates, date-times and times in ISO form
    (§11.2, §11.4, §11.5), decimals as numbers (§11.7)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def build_request(
    call: Call, url: httpx.URL, authorization: str | None, user_agent: str
) -> httpx.Request:
    """The wire request: vendor ``Accept`` always, vendor ``Content-Type`` on JSON writes."""
    headers = {"Accept": VENDOR_TYPE, "User-Agent": user_agent}
    if authorization:
        headers["Authorization"] = authorization
    content: bytes | None = None
    if call.json is not None:
        content = json.dumps(
            call.json, separators=(",", ":"), ensure_ascii=False, default=_json_default
        ).encode()
        headers["Content-Type"] = f"{VENDOR_TYPE}; charset=utf-8"
    elif call.method.upper() in WRITE_METHODS:
        content = b""
    if call.idempotency_key:
        headers["Idempotency-Key"] = call.idempotency_key
    if call.headers:
        headers.update(call.headers)
    return httpx.Request(
        call.method.upper(),
        url,
        params=flatten_params(call.params) or None,
        headers=headers,
        content=content,
    )


def decode(response: httpx.Response) -> Answer:
    """The body of a 2xx answer as a Resource (None for 204, HEAD, or an empty body)."""
    if response.status_code == 204 or not response.content:
        return None
    try:
        data = json.loads(response.content)
    except ValueError as exc:
        raise RefdeskError(f"{response.status_code} answer is not JSON") from exc
    if not isinstance(data, dict):
        raise RefdeskError(f"{response.status_code} answer is not a JSON object")
    return Resource(data)
