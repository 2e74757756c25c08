"""An official's availability (contract §17.2): all-day entries and time windows. Listing is
Assignr's; single entries and writes are refdesk extensions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import date
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
