"""Reference data of a site (contract §14.6, §18.1, §18.2): venues, zones, age groups,
leagues, teams, game types, genders, positions, patterns and groups share one shape, so one
class serves them all, parametrised by the plural (``client.venues``, ``client.teams``...).
Groups add membership (§17.5)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from refdesk.client._core import Call, no_content, page_of, single
from refdesk.client._hal import Page, Resource
from refdesk.client._resources._base import (
    AsyncNamespace,
    AsyncRunner,
    SyncNamespace,
    SyncRunner,
    page_params,
    path_id,
    wrapped,
)

REFERENCE_KINDS = (
    "venues",
    "zones",
    "age_groups",
    "leagues",
    "teams",
    "game_types",
    "genders",
    "positions",
    "patterns",
    "groups",
)


class Kind:
    """The calls of one reference kind; ``singular`` is its body key (``age_group``)."""

    def __init__(self, plural: str) -> None:
        if plural not in REFERENCE_KINDS:
            raise ValueError(f"unknown reference kind {plural!r}; one of {REFERENCE_KINDS}")
        self.plural = plural
        self.singular = plural[:-1]

    def list(
        self, site_id: int | str, page: int | None, limit: int | None, name: str | None
    ) -> Call:
        path = f"sites/{path_id(site_id)}/{self.plural}"
        return Call("GET", path, params=page_params(page, limit, {"name": name}))

    def one(self, record_id: int | str) -> str:
        return f"{self.plural}/{path_id(record_id)}"

    def create(
        self, site_id: int | str, fields: Mapping[str, Any], idempotency_key: str | None
    ) -> Call:
        path = f"sites/{path_id(site_id)}/{self.plural}"
        json = wrapped(self.singular, fields)
        return Call("POST", path, json=json, idempotency_key=idempotency_key)

    def update(
        self, record_id: int | str, fields: Mapping[str, Any], lock_version: int | None
    ) -> Call:
        return Call("PUT", self.one(record_id), json=wrapped(self.singular, fields, lock_version))


class ReferenceData(SyncNamespace):
    """``client.venues``, ``client.teams``...: list, read and (refdesk) write one kind."""

    def __init__(self, client: SyncRunner, plural: str) -> None:
        super().__init__(client)
        self.kind = Kind(plural)

    def list(
        self,
        site_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        name: str | None = None,
    ) -> Page:
        """One page of the site's records (``name``: substring filter, refdesk)."""
        call = self.kind.list(site_id, page, limit, name)
        return self._client._run(page_of(call, self.kind.plural))

    def iter(
        self, site_id: int | str, *, limit: int | None = None, name: str | None = None
    ) -> Iterator[Resource]:
        return self._client._iterate(self.kind.list(site_id, None, limit, name), self.kind.plural)

    def get(self, record_id: int | str) -> Resource:
        return self._client._run(single(Call("GET", self.kind.one(record_id))))

    def create(
        self, site_id: int | str, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Resource:
        return self._client._run(single(self.kind.create(site_id, fields, idempotency_key)))

    def update(
        self, record_id: int | str, fields: Mapping[str, Any], *, lock_version: int | None = None
    ) -> Resource:
        """Partial update (``lock_version`` is checked for venues)."""
        return self._client._run(single(self.kind.update(record_id, fields, lock_version)))

    def delete(self, record_id: int | str) -> None:
        self._client._run(no_content(Call("DELETE", self.kind.one(record_id))))


class AsyncReferenceData(AsyncNamespace):
    """The ``AsyncClient`` form of :class:`ReferenceData`."""

    def __init__(self, client: AsyncRunner, plural: str) -> None:
        super().__init__(client)
        self.kind = Kind(plural)

    async def list(
        self,
        site_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        name: str | None = None,
    ) -> Page:
        call = self.kind.list(site_id, page, limit, name)
        return await self._client._run(page_of(call, self.kind.plural))

    def iter(
        self, site_id: int | str, *, limit: int | None = None, name: str | None = None
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(self.kind.list(site_id, None, limit, name), self.kind.plural)

    async def get(self, record_id: int | str) -> Resource:
        return await self._client._run(single(Call("GET", self.kind.one(record_id))))

    async def create(
        self, site_id: int | str, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Resource:
        return await self._client._run(single(self.kind.create(site_id, fields, idempotency_key)))

    async def update(
        self, record_id: int | str, fields: Mapping[str, Any], *, lock_version: int | None = None
    ) -> Resource:
        return await self._client._run(single(self.kind.update(record_id, fields, lock_version)))

    async def delete(self, record_id: int | str) -> None:
        await self._client._run(no_content(Call("DELETE", self.kind.one(record_id))))


def _members(group_id: int | str, page: int | None, limit: int | None) -> Call:
    return Call("GET", f"groups/{path_id(group_id)}/users", params=page_params(page, limit))


def _of_user(user_id: int | str, page: int | None, limit: int | None) -> Call:
    return Call("GET", f"users/{path_id(user_id)}/groups", params=page_params(page, limit))


def _membership(group_id: int | str, user_id: int | str) -> str:
    return f"users/{path_id(user_id)}/groups/{path_id(group_id)}"


class Groups(ReferenceData):
    """``client.groups``: the reference helpers plus membership."""

    def __init__(self, client: SyncRunner) -> None:
        super().__init__(client, "groups")

    def users(
        self, group_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        """One page of the group's users."""
        return self._client._run(page_of(_members(group_id, page, limit), "users"))

    def iter_users(self, group_id: int | str, *, limit: int | None = None) -> Iterator[Resource]:
        return self._client._iterate(_members(group_id, None, limit), "users")

    def for_user(
        self, user_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        """One page of the groups of a user, by name."""
        return self._client._run(page_of(_of_user(user_id, page, limit), "groups"))

    def iter_for_user(self, user_id: int | str, *, limit: int | None = None) -> Iterator[Resource]:
        return self._client._iterate(_of_user(user_id, None, limit), "groups")

    def add_user(self, group_id: int | str, user_id: int | str) -> Resource:
        """Add the user (already a member: no change); returns the group."""
        return self._client._run(single(Call("POST", _membership(group_id, user_id))))

    def remove_user(self, group_id: int | str, user_id: int | str) -> None:
        self._client._run(no_content(Call("DELETE", _membership(group_id, user_id))))


class AsyncGroups(AsyncReferenceData):
    """``client.groups`` of an ``AsyncClient``; same methods as :class:`Groups`."""

    def __init__(self, client: AsyncRunner) -> None:
        super().__init__(client, "groups")

    async def users(
        self, group_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return await self._client._run(page_of(_members(group_id, page, limit), "users"))

    def iter_users(
        self, group_id: int | str, *, limit: int | None = None
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_members(group_id, None, limit), "users")

    async def for_user(
        self, user_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return await self._client._run(page_of(_of_user(user_id, page, limit), "groups"))

    def iter_for_user(
        self, user_id: int | str, *, limit: int | None = None
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_of_user(user_id, None, limit), "groups")

    async def add_user(self, group_id: int | str, user_id: int | str) -> Resource:
        return await self._client._run(single(Call("POST", _membership(group_id, user_id))))

    async def remove_user(self, group_id: int | str, user_id: int | str) -> None:
        await self._client._run(no_content(Call("DELETE", _membership(group_id, user_id))))
