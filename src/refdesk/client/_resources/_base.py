"""What every resource namespace shares: the runner it drives flows with, id checks, body
wrapping, and the re-read-and-re-apply flow for optimistic locking (contract §12)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from datetime import date, datetime
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


def query_value(value: Any) -> Any:
    """A filter value as the contract spells it (§3.6, §11.4): dates and date-times in ISO
    form, several values of one filter comma-separated (``status=["A", "X"]`` -> ``A,X``)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(str(query_value(item)) for item in value)
    return value


def page_params(
    page: int | None, limit: int | None, search: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``page``, ``limit`` and the ``search[...]`` filters that were given (None = not sent,
    so a call that passes no filter sends none: the same request works against Assignr)."""
    params: dict[str, Any] = {"page": page, "limit": limit}
    search = {k: query_value(v) for k, v in (search or {}).items() if v is not None}
    if search:
        params["search"] = search
    return params


def body(key: str, lock_version: int | None = None, **fields: Any) -> Any:
    """A write body of named fields under ``key``, leaving out the ones that are None."""
    return wrapped(key, {k: v for k, v in fields.items() if v is not None}, lock_version)


def flat(**fields: Any) -> dict[str, Any]:
    """An unwrapped body of the named fields that are not None: the form the contract (and
    Assignr) document for action endpoints (``assign``, ``decline``, ``game_requests``...);
    refdesk accepts it like the wrapped one (§3.4)."""
    return {k: v for k, v in fields.items() if v is not None}


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
