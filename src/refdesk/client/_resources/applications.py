"""The acting account's OAuth applications (contract §15.3; refdesk extension). The
``client_secret`` is in the ``create`` and ``rotate_secret`` answers only: keep it then."""

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

PATH = "current_account/applications"
KEY = "applications"


def _list(page: int | None, limit: int | None) -> Call:
    return Call("GET", PATH, params=page_params(page, limit))


def _one(application_id: int | str, suffix: str = "") -> str:
    return f"{PATH}/{path_id(application_id)}{suffix}"


def _create(fields: Mapping[str, Any], idempotency_key: str | None) -> Call:
    return Call("POST", PATH, json=wrapped("application", fields), idempotency_key=idempotency_key)


def _update(application_id: int | str, fields: Mapping[str, Any]) -> Call:
    return Call("PUT", _one(application_id), json=wrapped("application", fields))


class Applications(SyncNamespace):
    """``client.applications`` (``name``, ``redirect_uris``, ``scopes``, ``confidential``)."""

    def list(self, *, page: int | None = None, limit: int | None = None) -> Page:
        return self._client._run(page_of(_list(page, limit), KEY))

    def iter(self, *, limit: int | None = None) -> Iterator[Resource]:
        return self._client._iterate(_list(None, limit), KEY)

    def get(self, application_id: int | str) -> Resource:
        return self._client._run(single(Call("GET", _one(application_id))))

    def create(self, fields: Mapping[str, Any], *, idempotency_key: str | None = None) -> Resource:
        """Register an application; the answer carries ``client_id`` and ``client_secret``."""
        return self._client._run(single(_create(fields, idempotency_key)))

    def update(self, application_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return self._client._run(single(_update(application_id, fields)))

    def delete(self, application_id: int | str) -> None:
        """Delete the application and revoke every token issued to it."""
        self._client._run(no_content(Call("DELETE", _one(application_id))))

    def rotate_secret(self, application_id: int | str) -> Resource:
        """A new ``client_secret``; the old one and the application's tokens stop working."""
        return self._client._run(single(Call("POST", _one(application_id, "/rotate_secret"))))


class AsyncApplications(AsyncNamespace):
    """``client.applications`` of an ``AsyncClient``; same methods as :class:`Applications`."""

    async def list(self, *, page: int | None = None, limit: int | None = None) -> Page:
        return await self._client._run(page_of(_list(page, limit), KEY))

    def iter(self, *, limit: int | None = None) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(None, limit), KEY)

    async def get(self, application_id: int | str) -> Resource:
        return await self._client._run(single(Call("GET", _one(application_id))))

    async def create(
        self, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Resource:
        return await self._client._run(single(_create(fields, idempotency_key)))

    async def update(self, application_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_update(application_id, fields)))

    async def delete(self, application_id: int | str) -> None:
        await self._client._run(no_content(Call("DELETE", _one(application_id))))

    async def rotate_secret(self, application_id: int | str) -> Resource:
        call = Call("POST", _one(application_id, "/rotate_secret"))
        return await self._client._run(single(call))
