"""Sites and their subscriptions (contract §16.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from refdesk.client._core import Call, no_content, page_of, single
from refdesk.client._hal import Page, Resource
from refdesk.client._resources._base import (
    AsyncNamespace,
    SyncNamespace,
    page_params,
    path_id,
    wrapped,
)

KEY = "sites"


def _list(page: int | None, limit: int | None, name: str | None) -> Call:
    return Call("GET", "sites", params=page_params(page, limit, {"name": name}))


def _get(site_id: int | str) -> Call:
    return Call("GET", f"sites/{path_id(site_id)}")


def _create(fields: Mapping[str, Any], idempotency_key: str | None) -> Call:
    return Call("POST", "sites", json=wrapped("site", fields), idempotency_key=idempotency_key)


def _update(site_id: int | str, fields: Mapping[str, Any]) -> Call:
    return Call("PUT", f"sites/{path_id(site_id)}", json=wrapped("site", fields))


def _delete(site_id: int | str) -> Call:
    return Call("DELETE", f"sites/{path_id(site_id)}")


def _subscription(site_id: int | str) -> Call:
    return Call("GET", f"sites/{path_id(site_id)}/subscription")


def _update_subscription(site_id: int | str, fields: Mapping[str, Any]) -> Call:
    return Call(
        "PUT", f"sites/{path_id(site_id)}/subscription", json=wrapped("subscription", fields)
    )


class Sites(SyncNamespace):
    """``client.sites``: the sites the caller can see."""

    def list(
        self, *, page: int | None = None, limit: int | None = None, name: str | None = None
    ) -> Page:
        """One page of ``GET /sites`` (``name``: case-insensitive substring, refdesk)."""
        return self._client._run(page_of(_list(page, limit, name), KEY))

    def iter(self, *, limit: int | None = None, name: str | None = None) -> Iterator[Resource]:
        """Every visible site, page after page."""
        return self._client._iterate(_list(None, limit, name), KEY)

    def get(self, site_id: int | str) -> Resource:
        return self._client._run(single(_get(site_id)))

    def create(self, fields: Mapping[str, Any], *, idempotency_key: str | None = None) -> Resource:
        return self._client._run(single(_create(fields, idempotency_key)))

    def update(self, site_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return self._client._run(single(_update(site_id, fields)))

    def delete(self, site_id: int | str) -> None:
        self._client._run(no_content(_delete(site_id)))

    def subscription(self, site_id: int | str) -> Resource:
        return self._client._run(single(_subscription(site_id)))

    def update_subscription(self, site_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return self._client._run(single(_update_subscription(site_id, fields)))


class AsyncSites(AsyncNamespace):
    """``client.sites`` of an ``AsyncClient``; same methods as :class:`Sites`."""

    async def list(
        self, *, page: int | None = None, limit: int | None = None, name: str | None = None
    ) -> Page:
        return await self._client._run(page_of(_list(page, limit, name), KEY))

    def iter(self, *, limit: int | None = None, name: str | None = None) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(None, limit, name), KEY)

    async def get(self, site_id: int | str) -> Resource:
        return await self._client._run(single(_get(site_id)))

    async def create(
        self, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Resource:
        return await self._client._run(single(_create(fields, idempotency_key)))

    async def update(self, site_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_update(site_id, fields)))

    async def delete(self, site_id: int | str) -> None:
        await self._client._run(no_content(_delete(site_id)))

    async def subscription(self, site_id: int | str) -> Resource:
        return await self._client._run(single(_subscription(site_id)))

    async def update_subscription(self, site_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_update_subscription(site_id, fields)))
