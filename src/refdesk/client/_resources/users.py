"""Users: an account's profile in one site (contract §17.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, TypedDict, Unpack

from refdesk.client._core import Call, Flow, page_of, single
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

KEY = "users"


class UserFilters(TypedDict, total=False):
    """``search[...]`` filters of the user lists (§17.1): ``query`` and ``status`` are
    Assignr's, the role flags, ``group_id`` and ``site_id`` refdesk's."""

    query: str
    status: str
    official: bool
    assignor: bool
    manager: bool
    observer: bool
    group_id: int
    site_id: int


def _list(
    site_id: int | str | None, page: int | None, limit: int | None, filters: Mapping[str, Any]
) -> Call:
    path = "users" if site_id is None else f"sites/{path_id(site_id)}/users"
    return Call("GET", path, params=page_params(page, limit, filters))


def _create(site_id: int | str, fields: Mapping[str, Any], idempotency_key: str | None) -> Call:
    path = f"sites/{path_id(site_id)}/users"
    return Call("POST", path, json=wrapped("user", fields), idempotency_key=idempotency_key)


def _activation(user_id: int | str, action: str) -> Call:
    return Call("POST", f"users/{path_id(user_id)}/{action}")


def _get(user_id: int | str) -> Call:
    return Call("GET", f"users/{path_id(user_id)}")


def _update(user_id: int | str, fields: Mapping[str, Any], lock_version: int | None) -> Call:
    return Call("PUT", f"users/{path_id(user_id)}", json=wrapped("user", fields, lock_version))


def _reapply(user_id: int | str, change: Change, attempts: int) -> Flow[Resource]:
    def write(current: Resource, fields: Mapping[str, Any]) -> Call:
        return _update(user_id, fields, current.lock_version)

    return reapply_on_conflict(_get(user_id), write, change, attempts)


class Users(SyncNamespace):
    """``client.users``."""

    def list(
        self,
        site_id: int | str | None = None,
        /,
        *,
        page: int | None = None,
        limit: int | None = None,
        **filters: Unpack[UserFilters],
    ) -> Page:
        """One page of a site's users (assignors, managers), or with no ``site_id`` of
        ``GET /users`` (every site the caller administers, plus the caller's own users)."""
        return self._client._run(page_of(_list(site_id, page, limit, filters), KEY))

    def iter(
        self,
        site_id: int | str | None = None,
        /,
        *,
        limit: int | None = None,
        **filters: Unpack[UserFilters],
    ) -> Iterator[Resource]:
        return self._client._iterate(_list(site_id, None, limit, filters), KEY)

    def create(
        self, site_id: int | str, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Resource:
        """Add a user to a site (refdesk); linked to the account with its e-mail."""
        return self._client._run(single(_create(site_id, fields, idempotency_key)))

    def activate(self, user_id: int | str) -> Resource:
        return self._client._run(single(_activation(user_id, "activate")))

    def deactivate(self, user_id: int | str) -> Resource:
        return self._client._run(single(_activation(user_id, "deactivate")))

    def get(self, user_id: int | str) -> Resource:
        return self._client._run(single(_get(user_id)))

    def update(
        self, user_id: int | str, fields: Mapping[str, Any], *, lock_version: int | None = None
    ) -> Resource:
        """Partial update; with ``lock_version`` a concurrent change raises ``Conflict``
        (whose ``lock_version`` is the stored one)."""
        return self._client._run(single(_update(user_id, fields, lock_version)))

    def update_with_retry(
        self, user_id: int | str, change: Change, *, attempts: int = 3
    ) -> Resource:
        """Read the user, apply ``change`` (fields, or a function of the current user) with
        its ``lock_version``; on 409 re-read and re-apply, up to ``attempts`` writes."""
        return self._client._run(_reapply(user_id, change, attempts))


class AsyncUsers(AsyncNamespace):
    """``client.users`` of an ``AsyncClient``; same methods as :class:`Users`."""

    async def list(
        self,
        site_id: int | str | None = None,
        /,
        *,
        page: int | None = None,
        limit: int | None = None,
        **filters: Unpack[UserFilters],
    ) -> Page:
        return await self._client._run(page_of(_list(site_id, page, limit, filters), KEY))

    def iter(
        self,
        site_id: int | str | None = None,
        /,
        *,
        limit: int | None = None,
        **filters: Unpack[UserFilters],
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(site_id, None, limit, filters), KEY)

    async def create(
        self, site_id: int | str, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Resource:
        return await self._client._run(single(_create(site_id, fields, idempotency_key)))

    async def activate(self, user_id: int | str) -> Resource:
        return await self._client._run(single(_activation(user_id, "activate")))

    async def deactivate(self, user_id: int | str) -> Resource:
        return await self._client._run(single(_activation(user_id, "deactivate")))

    async def get(self, user_id: int | str) -> Resource:
        return await self._client._run(single(_get(user_id)))

    async def update(
        self, user_id: int | str, fields: Mapping[str, Any], *, lock_version: int | None = None
    ) -> Resource:
        return await self._client._run(single(_update(user_id, fields, lock_version)))

    async def update_with_retry(
        self, user_id: int | str, change: Change, *, attempts: int = 3
    ) -> Resource:
        return await self._client._run(_reapply(user_id, change, attempts))
