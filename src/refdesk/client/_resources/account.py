"""The acting account and its collections (contract §15)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from refdesk.client._core import Call, page_of, single
from refdesk.client._hal import Page, Resource
from refdesk.client._resources._base import AsyncNamespace, SyncNamespace, page_params, wrapped

PATH = "current_account"


def _get() -> Call:
    return Call("GET", PATH)


def _update(fields: Mapping[str, Any]) -> Call:
    return Call("PUT", PATH, json=wrapped("account", fields))


def _collection(name: str, page: int | None, limit: int | None, status: str | None) -> Call:
    return Call("GET", f"{PATH}/{name}", params=page_params(page, limit, {"status": status}))


class CurrentAccount(SyncNamespace):
    """``client.current_account``: the account the token acts for."""

    def get(self) -> Resource:
        return self._client._run(single(_get()))

    def update(self, fields: Mapping[str, Any]) -> Resource:
        """Change login, names, e-mail or password (refdesk; ``current_password`` needed for
        login, e-mail and password)."""
        return self._client._run(single(_update(fields)))

    def sites(
        self, *, page: int | None = None, limit: int | None = None, status: str | None = None
    ) -> Page:
        """One page of the sites where the account has a user (``status``: active, inactive,
        all)."""
        return self._client._run(page_of(_collection("sites", page, limit, status), "sites"))

    def iter_sites(
        self, *, limit: int | None = None, status: str | None = None
    ) -> Iterator[Resource]:
        return self._client._iterate(_collection("sites", None, limit, status), "sites")

    def users(
        self, *, page: int | None = None, limit: int | None = None, status: str | None = None
    ) -> Page:
        """One page of the account's user profiles, one per site."""
        return self._client._run(page_of(_collection("users", page, limit, status), "users"))

    def iter_users(
        self, *, limit: int | None = None, status: str | None = None
    ) -> Iterator[Resource]:
        return self._client._iterate(_collection("users", None, limit, status), "users")


class AsyncCurrentAccount(AsyncNamespace):
    """``client.current_account`` of an ``AsyncClient``; same methods as
    :class:`CurrentAccount`."""

    async def get(self) -> Resource:
        return await self._client._run(single(_get()))

    async def update(self, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_update(fields)))

    async def sites(
        self, *, page: int | None = None, limit: int | None = None, status: str | None = None
    ) -> Page:
        return await self._client._run(page_of(_collection("sites", page, limit, status), "sites"))

    def iter_sites(
        self, *, limit: int | None = None, status: str | None = None
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_collection("sites", None, limit, status), "sites")

    async def users(
        self, *, page: int | None = None, limit: int | None = None, status: str | None = None
    ) -> Page:
        return await self._client._run(page_of(_collection("users", page, limit, status), "users"))

    def iter_users(
        self, *, limit: int | None = None, status: str | None = None
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_collection("users", None, limit, status), "users")
