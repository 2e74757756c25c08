"""An official's conflicts and abilities (contract §17.3, §17.4; refdesk extensions)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
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

KEY = "conflicts"


def _conflicts(user_id: int | str) -> str:
    return f"users/{path_id(user_id)}/conflicts"


def _list(user_id: int | str, page: int | None, limit: int | None) -> Call:
    return Call("GET", _conflicts(user_id), params=page_params(page, limit))


def _create(user_id: int | str, fields: Mapping[str, Any]) -> Call:
    return Call("POST", _conflicts(user_id), json=wrapped("conflict", fields))


def _delete(user_id: int | str, conflict_id: int | str) -> Call:
    return Call("DELETE", f"{_conflicts(user_id)}/{path_id(conflict_id)}")


def _abilities(user_id: int | str) -> str:
    return f"users/{path_id(user_id)}/abilities"


def _replace(user_id: int | str, abilities: Sequence[Mapping[str, Any]]) -> Call:
    return Call("PUT", _abilities(user_id), json={"abilities": [dict(a) for a in abilities]})


class Conflicts(SyncNamespace):
    """``client.conflicts``: team, league, venue and official conflicts of an official
    (``kind`` plus ``team_id``/``league_id``/``venue_id``/``other_user_id``, ``note``)."""

    def list(
        self, user_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return self._client._run(page_of(_list(user_id, page, limit), KEY))

    def iter(self, user_id: int | str, *, limit: int | None = None) -> Iterator[Resource]:
        return self._client._iterate(_list(user_id, None, limit), KEY)

    def create(self, user_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return self._client._run(single(_create(user_id, fields)))

    def delete(self, user_id: int | str, conflict_id: int | str) -> None:
        self._client._run(no_content(_delete(user_id, conflict_id)))


class AsyncConflicts(AsyncNamespace):
    """``client.conflicts`` of an ``AsyncClient``; same methods as :class:`Conflicts`."""

    async def list(
        self, user_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return await self._client._run(page_of(_list(user_id, page, limit), KEY))

    def iter(self, user_id: int | str, *, limit: int | None = None) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(user_id, None, limit), KEY)

    async def create(self, user_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_create(user_id, fields)))

    async def delete(self, user_id: int | str, conflict_id: int | str) -> None:
        await self._client._run(no_content(_delete(user_id, conflict_id)))


class Abilities(SyncNamespace):
    """``client.abilities``: which age groups and positions an official is qualified for."""

    def get(self, user_id: int | str) -> Resource:
        """``{"user_id", "abilities": [{age_group_id, position_id, allowed, ...}]}``."""
        return self._client._run(single(Call("GET", _abilities(user_id))))

    def replace(self, user_id: int | str, abilities: Sequence[Mapping[str, Any]]) -> Resource:
        """Replace the whole list with ``[{"age_group_id", "position_id"?, "allowed"}]``."""
        return self._client._run(single(_replace(user_id, abilities)))


class AsyncAbilities(AsyncNamespace):
    """``client.abilities`` of an ``AsyncClient``; same methods as :class:`Abilities`."""

    async def get(self, user_id: int | str) -> Resource:
        return await self._client._run(single(Call("GET", _abilities(user_id))))

    async def replace(self, user_id: int | str, abilities: Sequence[Mapping[str, Any]]) -> Resource:
        return await self._client._run(single(_replace(user_id, abilities)))
