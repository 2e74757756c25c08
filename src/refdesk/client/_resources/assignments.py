"""Assignments: the slots of a game (contract §16.4), and the candidates for one (§16.5)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from refdesk.client._core import Call, Flow, page_of, single
from refdesk.client._hal import Page, Resource
from refdesk.client._resources._base import (
    AsyncNamespace,
    Change,
    SyncNamespace,
    flat,
    page_params,
    path_id,
    reapply_on_conflict,
    wrapped,
)

KEY = "assignments"
BODY = "assignment"


def _path(assignment_id: int | str, action: str = "") -> str:
    return f"assignments/{path_id(assignment_id)}{action}"


def _get(assignment_id: int | str) -> Call:
    return Call("GET", _path(assignment_id))


def _list(game_id: int | str, page: int | None, limit: int | None) -> Call:
    return Call("GET", f"games/{path_id(game_id)}/assignments", params=page_params(page, limit))


def _action(assignment_id: int | str, action: str, **fields: Any) -> Call:
    return Call("POST", _path(assignment_id, f"/{action}"), json=flat(**fields))


def _assign(
    assignment_id: int | str, user_id: int, accepted: bool | None, lock_version: int | None
) -> Call:
    fields = {"user_id": path_id(user_id), "accepted": accepted, "lock_version": lock_version}
    return _action(assignment_id, "assign", **fields)


def _assign_to_game(game_id: int | str, user_id: int, position_id: int | None) -> Call:
    return Call(
        "POST",
        f"games/{path_id(game_id)}/assignments",
        json=flat(user_id=path_id(user_id), position_id=position_id),
    )


def _update(assignment_id: int | str, fields: Mapping[str, Any], lock_version: int | None) -> Call:
    return Call("PUT", _path(assignment_id), json=wrapped(BODY, fields, lock_version))


def _reapply(assignment_id: int | str, change: Change, attempts: int) -> Flow[Resource]:
    def write(current: Resource, fields: Mapping[str, Any]) -> Call:
        return _update(assignment_id, fields, current.lock_version)

    return reapply_on_conflict(_get(assignment_id), write, change, attempts)


def _candidates(
    assignment_id: int | str,
    page: int | None,
    limit: int | None,
    query: str | None,
    ok: bool | None,
    group_id: int | None,
) -> Call:
    search = {"query": query, "ok": ok, "group_id": group_id}
    return Call("GET", _path(assignment_id, "/candidates"), params=page_params(page, limit, search))


class Assignments(SyncNamespace):
    """``client.assignments``. Every write returns the assignment; ``lock_version``, when
    given, makes a concurrent change raise ``Conflict``."""

    def get(self, assignment_id: int | str) -> Resource:
        return self._client._run(single(_get(assignment_id)))

    def list(
        self, game_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        """One page of a game's slots, in sort order."""
        return self._client._run(page_of(_list(game_id, page, limit), KEY))

    def iter(self, game_id: int | str, *, limit: int | None = None) -> Iterator[Resource]:
        return self._client._iterate(_list(game_id, None, limit), KEY)

    def assign(
        self,
        assignment_id: int | str,
        user_id: int,
        *,
        accepted: bool | None = None,
        lock_version: int | None = None,
    ) -> Resource:
        """Put the official (a user id) on the slot, replacing any holder."""
        call = _assign(assignment_id, user_id, accepted, lock_version)
        return self._client._run(single(call))

    def assign_to_game(
        self, game_id: int | str, user_id: int, *, position_id: int | None = None
    ) -> Resource:
        """Put the official on the first vacant slot of the game (of ``position_id``)."""
        return self._client._run(single(_assign_to_game(game_id, user_id, position_id)))

    def unassign(self, assignment_id: int | str, *, lock_version: int | None = None) -> Resource:
        """Vacate the slot (refdesk)."""
        call = _action(assignment_id, "unassign", lock_version=lock_version)
        return self._client._run(single(call))

    def accept(self, assignment_id: int | str, *, lock_version: int | None = None) -> Resource:
        call = _action(assignment_id, "accept", lock_version=lock_version)
        return self._client._run(single(call))

    def decline(
        self,
        assignment_id: int | str,
        *,
        reason: str | None = None,
        lock_version: int | None = None,
    ) -> Resource:
        call = _action(assignment_id, "decline", reason=reason, lock_version=lock_version)
        return self._client._run(single(call))

    def confirm(
        self, assignment_id: int | str, status: str, *, reason: str | None = None
    ) -> Resource:
        """The compatibility form: ``status`` "A" (accept) or "D" (decline)."""
        call = _action(assignment_id, "confirm", status=status, reason=reason)
        return self._client._run(single(call))

    def update(
        self,
        assignment_id: int | str,
        fields: Mapping[str, Any],
        *,
        lock_version: int | None = None,
    ) -> Resource:
        """Edit the slot: ``official_id`` (None vacates), ``accepted``, ``declined``,
        ``decline_reason``, ``fee``."""
        return self._client._run(single(_update(assignment_id, fields, lock_version)))

    def update_with_retry(
        self, assignment_id: int | str, change: Change, *, attempts: int = 3
    ) -> Resource:
        return self._client._run(_reapply(assignment_id, change, attempts))

    def candidates(
        self,
        assignment_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        query: str | None = None,
        ok: bool | None = None,
        group_id: int | None = None,
    ) -> Page:
        """The site's active officials with the conflict codes this slot would raise
        (refdesk; assignors, managers)."""
        call = _candidates(assignment_id, page, limit, query, ok, group_id)
        return self._client._run(page_of(call, "candidates"))

    def iter_candidates(
        self,
        assignment_id: int | str,
        *,
        limit: int | None = None,
        query: str | None = None,
        ok: bool | None = None,
        group_id: int | None = None,
    ) -> Iterator[Resource]:
        call = _candidates(assignment_id, None, limit, query, ok, group_id)
        return self._client._iterate(call, "candidates")


class AsyncAssignments(AsyncNamespace):
    """``client.assignments`` of an ``AsyncClient``; same methods as :class:`Assignments`."""

    async def get(self, assignment_id: int | str) -> Resource:
        return await self._client._run(single(_get(assignment_id)))

    async def list(
        self, game_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return await self._client._run(page_of(_list(game_id, page, limit), KEY))

    def iter(self, game_id: int | str, *, limit: int | None = None) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(game_id, None, limit), KEY)

    async def assign(
        self,
        assignment_id: int | str,
        user_id: int,
        *,
        accepted: bool | None = None,
        lock_version: int | None = None,
    ) -> Resource:
        call = _assign(assignment_id, user_id, accepted, lock_version)
        return await self._client._run(single(call))

    async def assign_to_game(
        self, game_id: int | str, user_id: int, *, position_id: int | None = None
    ) -> Resource:
        return await self._client._run(single(_assign_to_game(game_id, user_id, position_id)))

    async def unassign(
        self, assignment_id: int | str, *, lock_version: int | None = None
    ) -> Resource:
        call = _action(assignment_id, "unassign", lock_version=lock_version)
        return await self._client._run(single(call))

    async def accept(
        self, assignment_id: int | str, *, lock_version: int | None = None
    ) -> Resource:
        call = _action(assignment_id, "accept", lock_version=lock_version)
        return await self._client._run(single(call))

    async def decline(
        self,
        assignment_id: int | str,
        *,
        reason: str | None = None,
        lock_version: int | None = None,
    ) -> Resource:
        call = _action(assignment_id, "decline", reason=reason, lock_version=lock_version)
        return await self._client._run(single(call))

    async def confirm(
        self, assignment_id: int | str, status: str, *, reason: str | None = None
    ) -> Resource:
        call = _action(assignment_id, "confirm", status=status, reason=reason)
        return await self._client._run(single(call))

    async def update(
        self,
        assignment_id: int | str,
        fields: Mapping[str, Any],
        *,
        lock_version: int | None = None,
    ) -> Resource:
        return await self._client._run(single(_update(assignment_id, fields, lock_version)))

    async def update_with_retry(
        self, assignment_id: int | str, change: Change, *, attempts: int = 3
    ) -> Resource:
        return await self._client._run(_reapply(assignment_id, change, attempts))

    async def candidates(
        self,
        assignment_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        query: str | None = None,
        ok: bool | None = None,
        group_id: int | None = None,
    ) -> Page:
        call = _candidates(assignment_id, page, limit, query, ok, group_id)
        return await self._client._run(page_of(call, "candidates"))

    def iter_candidates(
        self,
        assignment_id: int | str,
        *,
        limit: int | None = None,
        query: str | None = None,
        ok: bool | None = None,
        group_id: int | None = None,
    ) -> AsyncIterator[Resource]:
        call = _candidates(assignment_id, None, limit, query, ok, group_id)
        return self._client._iterate(call, "candidates")
