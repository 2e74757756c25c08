"""Users: an account's profile in one site (contract §17.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from refdesk.client._core import Call, Flow, single
from refdesk.client._hal import Resource
from refdesk.client._resources._base import (
    AsyncNamespace,
    Change,
    SyncNamespace,
    path_id,
    reapply_on_conflict,
    wrapped,
)


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
