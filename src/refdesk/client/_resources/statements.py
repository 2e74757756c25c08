"""Statements: payment records from a site to an official (contract §18.3). ``mine`` is
Assignr's ``GET /statements``; the per-site list and the writes are refdesk extensions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import date
from typing import Any

from refdesk.client._core import Call, page_of, single
from refdesk.client._hal import Page, Resource
from refdesk.client._resources._base import (
    AsyncNamespace,
    SyncNamespace,
    body,
    page_params,
    path_id,
    wrapped,
)

KEY = "statements"
BODY = "statement"
DateIn = date | str | None


def _list(
    path: str,
    page: int | None,
    limit: int | None,
    start_date: DateIn,
    end_date: DateIn,
    status: str | None,
    user_id: int | None = None,
) -> Call:
    search = {"start_date": start_date, "end_date": end_date, "status": status, "user_id": user_id}
    return Call("GET", path, params=page_params(page, limit, search))


def _site(site_id: int | str) -> str:
    return f"sites/{path_id(site_id)}/statements"


def _one(statement_id: int | str) -> str:
    return f"statements/{path_id(statement_id)}"


def _create(
    site_id: int | str,
    user_id: int,
    period_start: date | str,
    period_end: date | str,
    fields: Mapping[str, Any] | None,
    idempotency_key: str | None,
) -> Call:
    start, end = (d.isoformat() if isinstance(d, date) else d for d in (period_start, period_end))
    merged = {**(fields or {}), "user_id": path_id(user_id), "period_start": start}
    json = body(BODY, **merged, period_end=end)
    return Call("POST", _site(site_id), json=json, idempotency_key=idempotency_key)


def _update(statement_id: int | str, fields: Mapping[str, Any]) -> Call:
    return Call("PUT", _one(statement_id), json=wrapped(BODY, fields))


class Statements(SyncNamespace):
    """``client.statements``. Lists filter on ``statement_date`` (inclusive) and ``status``."""

    def mine(
        self,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        status: str | None = None,
    ) -> Page:
        """One page of the statements paid to the caller's users (all sites)."""
        call = _list("statements", page, limit, start_date, end_date, status)
        return self._client._run(page_of(call, KEY))

    def iter_mine(
        self,
        *,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        status: str | None = None,
    ) -> Iterator[Resource]:
        call = _list("statements", None, limit, start_date, end_date, status)
        return self._client._iterate(call, KEY)

    def list(
        self,
        site_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        status: str | None = None,
        user_id: int | None = None,
    ) -> Page:
        """One page of a site's statements (assignors, managers)."""
        call = _list(_site(site_id), page, limit, start_date, end_date, status, user_id)
        return self._client._run(page_of(call, KEY))

    def iter(
        self,
        site_id: int | str,
        *,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        status: str | None = None,
        user_id: int | None = None,
    ) -> Iterator[Resource]:
        call = _list(_site(site_id), None, limit, start_date, end_date, status, user_id)
        return self._client._iterate(call, KEY)

    def get(self, statement_id: int | str) -> Resource:
        return self._client._run(single(Call("GET", _one(statement_id))))

    def create(
        self,
        site_id: int | str,
        *,
        user_id: int,
        period_start: date | str,
        period_end: date | str,
        fields: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Resource:
        """Bill the official's unbilled slots of the period (``fields``: ``description``,
        ``statement_date``)."""
        call = _create(site_id, user_id, period_start, period_end, fields, idempotency_key)
        return self._client._run(single(call))

    def update(self, statement_id: int | str, fields: Mapping[str, Any]) -> Resource:
        """``amount_paid``, ``description``, ``statement_date``, or ``status="void"``."""
        return self._client._run(single(_update(statement_id, fields)))


class AsyncStatements(AsyncNamespace):
    """``client.statements`` of an ``AsyncClient``; same methods as :class:`Statements`."""

    async def mine(
        self,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        status: str | None = None,
    ) -> Page:
        call = _list("statements", page, limit, start_date, end_date, status)
        return await self._client._run(page_of(call, KEY))

    def iter_mine(
        self,
        *,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        status: str | None = None,
    ) -> AsyncIterator[Resource]:
        call = _list("statements", None, limit, start_date, end_date, status)
        return self._client._iterate(call, KEY)

    async def list(
        self,
        site_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        status: str | None = None,
        user_id: int | None = None,
    ) -> Page:
        call = _list(_site(site_id), page, limit, start_date, end_date, status, user_id)
        return await self._client._run(page_of(call, KEY))

    def iter(
        self,
        site_id: int | str,
        *,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        status: str | None = None,
        user_id: int | None = None,
    ) -> AsyncIterator[Resource]:
        call = _list(_site(site_id), None, limit, start_date, end_date, status, user_id)
        return self._client._iterate(call, KEY)

    async def get(self, statement_id: int | str) -> Resource:
        return await self._client._run(single(Call("GET", _one(statement_id))))

    async def create(
        self,
        site_id: int | str,
        *,
        user_id: int,
        period_start: date | str,
        period_end: date | str,
        fields: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Resource:
        call = _create(site_id, user_id, period_start, period_end, fields, idempotency_key)
        return await self._client._run(single(call))

    async def update(self, statement_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_update(statement_id, fields)))
