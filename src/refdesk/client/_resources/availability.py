"""An official's availability (contract §17.2): all-day entries and time windows. Listing is
Assignr's; single entries and writes are refdesk extensions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from datetime import date, time
from typing import Any

from refdesk.client._core import Call, Flow, no_content, page_of, single
from refdesk.client._hal import Page, Resource
from refdesk.client._resources._base import (
    AsyncNamespace,
    Change,
    SyncNamespace,
    page_params,
    path_id,
    reapply_on_conflict,
    wrapped,
)

KEY = "availability"


def _base(user_id: int | str) -> str:
    return f"users/{path_id(user_id)}/availability"


def _one(user_id: int | str, entry_id: int | str) -> str:
    return f"{_base(user_id)}/{path_id(entry_id)}"


def _list(
    user_id: int | str,
    page: int | None,
    limit: int | None,
    start_date: date | str | None,
    end_date: date | str | None,
) -> Call:
    search = {"start_date": start_date, "end_date": end_date}
    return Call("GET", _base(user_id), params=page_params(page, limit, search))


def _create(user_id: int | str, fields: Mapping[str, Any]) -> Call:
    return Call("POST", _base(user_id), json=wrapped(KEY, fields))


def _weekly(
    user_id: int | str,
    days: str | Iterable[str],
    start_date: date | str,
    end_date: date | str,
    window: tuple[time | str, time | str] | None,
    extra: Mapping[str, Any],
) -> Call:
    """The weekly pattern's body: ``days`` as names (``sat``) or one comma-separated string;
    dates and times in ISO form; ``None`` extras are left out."""
    body: dict[str, Any] = {
        "days": days if isinstance(days, str) else list(days),
        "start_date": start_date.isoformat() if isinstance(start_date, date) else start_date,
        "end_date": end_date.isoformat() if isinstance(end_date, date) else end_date,
    }
    if window is not None:
        body["start_time"], body["end_time"] = (
            t.strftime("%H:%M") if isinstance(t, time) else t for t in window
        )
    body.update({k: v for k, v in extra.items() if v is not None})
    return Call("POST", f"{_base(user_id)}/weekly", json=wrapped("weekly", body))


def _update(
    user_id: int | str, entry_id: int | str, fields: Mapping[str, Any], lock_version: int | None
) -> Call:
    return Call("PUT", _one(user_id, entry_id), json=wrapped(KEY, fields, lock_version))


def _reapply(
    user_id: int | str, entry_id: int | str, change: Change, attempts: int
) -> Flow[Resource]:
    def write(current: Resource, fields: Mapping[str, Any]) -> Call:
        return _update(user_id, entry_id, fields, current.lock_version)

    return reapply_on_conflict(Call("GET", _one(user_id, entry_id)), write, change, attempts)


class Availability(SyncNamespace):
    """``client.availability``: entries of one user (``date``, ``all_day`` or
    ``start_time``/``end_time``, ``description``)."""

    def list(
        self,
        user_id: int | str,
        *,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> Page:
        """One page of entries (dates inclusive; default and maximum page size 200)."""
        call = _list(user_id, page, limit, start_date, end_date)
        return self._client._run(page_of(call, KEY))

    def iter(
        self,
        user_id: int | str,
        *,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
        limit: int | None = None,
    ) -> Iterator[Resource]:
        return self._client._iterate(_list(user_id, None, limit, start_date, end_date), KEY)

    def get(self, user_id: int | str, entry_id: int | str) -> Resource:
        return self._client._run(single(Call("GET", _one(user_id, entry_id))))

    def create(self, user_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return self._client._run(single(_create(user_id, fields)))

    def update(
        self,
        user_id: int | str,
        entry_id: int | str,
        fields: Mapping[str, Any],
        *,
        lock_version: int | None = None,
    ) -> Resource:
        return self._client._run(single(_update(user_id, entry_id, fields, lock_version)))

    def update_with_retry(
        self, user_id: int | str, entry_id: int | str, change: Change, *, attempts: int = 3
    ) -> Resource:
        return self._client._run(_reapply(user_id, entry_id, change, attempts))

    def delete(self, user_id: int | str, entry_id: int | str) -> None:
        self._client._run(no_content(Call("DELETE", _one(user_id, entry_id))))

    def weekly(
        self,
        user_id: int | str,
        days: str | Iterable[str],
        start_date: date | str,
        end_date: date | str,
        *,
        window: tuple[time | str, time | str] | None = None,
        available: bool | None = None,
        mode: str | None = None,
        description: str | None = None,
    ) -> Resource:
        """Apply a weekly pattern (refdesk extension): all day unless ``window`` is given;
        ``available=False`` clears the days; ``mode`` ``replace`` (default) or ``merge``.
        Returns the answer: ``created``/``deleted``/``kept`` and
        ``embedded("availability")``, the dates' entries afterwards."""
        extra = {"available": available, "mode": mode, "description": description}
        return self._client._run(
            single(_weekly(user_id, days, start_date, end_date, window, extra))
        )


class AsyncAvailability(AsyncNamespace):
    """``client.availability`` of an ``AsyncClient``; same methods as :class:`Availability`."""

    async def list(
        self,
        user_id: int | str,
        *,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> Page:
        call = _list(user_id, page, limit, start_date, end_date)
        return await self._client._run(page_of(call, KEY))

    def iter(
        self,
        user_id: int | str,
        *,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(user_id, None, limit, start_date, end_date), KEY)

    async def get(self, user_id: int | str, entry_id: int | str) -> Resource:
        return await self._client._run(single(Call("GET", _one(user_id, entry_id))))

    async def create(self, user_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_create(user_id, fields)))

    async def update(
        self,
        user_id: int | str,
        entry_id: int | str,
        fields: Mapping[str, Any],
        *,
        lock_version: int | None = None,
    ) -> Resource:
        return await self._client._run(single(_update(user_id, entry_id, fields, lock_version)))

    async def update_with_retry(
        self, user_id: int | str, entry_id: int | str, change: Change, *, attempts: int = 3
    ) -> Resource:
        return await self._client._run(_reapply(user_id, entry_id, change, attempts))

    async def delete(self, user_id: int | str, entry_id: int | str) -> None:
        await self._client._run(no_content(Call("DELETE", _one(user_id, entry_id))))

    async def weekly(
        self,
        user_id: int | str,
        days: str | Iterable[str],
        start_date: date | str,
        end_date: date | str,
        *,
        window: tuple[time | str, time | str] | None = None,
        available: bool | None = None,
        mode: str | None = None,
        description: str | None = None,
    ) -> Resource:
        extra = {"available": available, "mode": mode, "description": description}
        return await self._client._run(
            single(_weekly(user_id, days, start_date, end_date, window, extra))
        )
