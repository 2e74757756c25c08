"""What every resource namespace shares: the runner it drives flows with, id checks, body
wrapping, and the re-read-and-re-apply flow for optimistic locking (contract §12)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any, Protocol, TypeVar

from refdesk.client._core import Call, Flow, must
from refdesk.client._errors import Conflict
from refdesk.client._hal import Resource

T = TypeVar("T")
Change = Mapping[str, Any] | Callable[[Resource], Mapping[str, Any]]


class SyncRunner(Protocol):
    def _run(self, flow: Flow[T]) -> T: ...

    def _iterate(self, call: Call, key: str | None) -> Iterator[Resource]: ...


class AsyncRunner(Protocol):
    async def _run(self, flow: Flow[T]) -> T: ...

    def _iterate(self, call: Call, key: str | None) -> AsyncIterator[Resource]: ...


class SyncNamespace:
    def __init__(self, client: SyncRunner) -> None:
        self._client = client


class AsyncNamespace:
    def __init__(self, client: AsyncRunner) -> None:
        self._client = client


def path_id(value: int | str) -> int:
    """An id for a path segment: a positive integer (so nothing else reaches the URL)."""
    number = int(value)
    if number < 1:
        raise ValueError(f"ids are positive integers, got {value!r}")
    return number


def wrapped(key: str, fields: Mapping[str, Any], lock_version: int | None = None) -> Any:
    """A write body under the singular body key (§3.4), with ``lock_version`` when given."""
    body = dict(fields)
    if lock_version is not None:
        body["lock_version"] = lock_version
    return {key: body}


def page_params(
    page: int | None, limit: int | None, search: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    params: dict[str, Any] = {"page": page, "limit": limit}
    search = {k: v for k, v in (search or {}).items() if v is not None}
    if search:
        params["search"] = search
    return params


def reapply_on_conflict(
    read: Call,
    write: Callable[[Resource, Mapping[str, Any]], Call],
    change: Change,
    attempts: int,
) -> Flow[Resource]:
    """Read, compute the change, write with the read ``lock_version``; on 409 read again and
    re-apply, at most ``attempts`` writes. ``change`` is a dict of fields, or a function of
    the current resource returning one (so the change can depend on what is stored now)."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    current = must((yield read))
    for attempt in range(1, attempts + 1):
        fields = change(current) if callable(change) else change
        try:
            return must((yield write(current, fields)))
        except Conflict:
            if attempt == attempts:
                raise
            current = must((yield read))
    raise AssertionError("unreachable")
