"""Game requests: officials ask for a vacant slot, assignors approve or decline (contract
§16.6). Only ``create`` is an Assignr endpoint; the rest are refdesk extensions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from refdesk.client._core import Call, no_content, page_of, single
from refdesk.client._hal import Page, Resource
from refdesk.client._resources._base import (
    AsyncNamespace,
    SyncNamespace,
    flat,
    page_params,
    path_id,
)

KEY = "game_requests"


def _create(
    game_id: int,
    position_id: int | None,
    comment: str | None,
    user_id: int | None,
    idempotency_key: str | None,
) -> Call:
    json = flat(game_id=path_id(game_id), position_id=position_id, comment=comment, user_id=user_id)
    return Call("POST", "game_requests", json=json, idempotency_key=idempotency_key)


def _list(
    site_id: int | str,
    page: int | None,
    limit: int | None,
    status: str | None,
    game_id: int | None,
    user_id: int | None,
) -> Call:
    search = {"status": status, "game_id": game_id, "user_id": user_id}
    return Call(
        "GET", f"sites/{path_id(site_id)}/game_requests", params=page_params(page, limit, search)
    )


def _path(request_id: int | str, action: str = "") -> str:
    return f"game_requests/{path_id(request_id)}{action}"


def _approve(request_id: int | str, assignment_id: int | None) -> Call:
    return Call("POST", _path(request_id, "/approve"), json=flat(assignment_id=assignment_id))


def _decline(request_id: int | str) -> Call:
    return Call("POST", _path(request_id, "/decline"), json=flat())


class GameRequests(SyncNamespace):
    """``client.game_requests``."""

    def create(
        self,
        game_id: int,
        *,
        position_id: int | None = None,
        comment: str | None = None,
        user_id: int | None = None,
        idempotency_key: str | None = None,
    ) -> Resource:
        """Ask for a vacant slot of an open game (``user_id``: assignors asking for someone;
        ``position_id`` None = any position)."""
        call = _create(game_id, position_id, comment, user_id, idempotency_key)
        return self._client._run(single(call))

    def list(
        self,
        site_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        status: str | None = None,
        game_id: int | None = None,
        user_id: int | None = None,
    ) -> Page:
        """One page of the site's requests (officials: their own), newest first."""
        call = _list(site_id, page, limit, status, game_id, user_id)
        return self._client._run(page_of(call, KEY))

    def iter(
        self,
        site_id: int | str,
        *,
        limit: int | None = None,
        status: str | None = None,
        game_id: int | None = None,
        user_id: int | None = None,
    ) -> Iterator[Resource]:
        return self._client._iterate(_list(site_id, None, limit, status, game_id, user_id), KEY)

    def get(self, request_id: int | str) -> Resource:
        return self._client._run(single(Call("GET", _path(request_id))))

    def withdraw(self, request_id: int | str) -> None:
        """Withdraw a pending request."""
        self._client._run(no_content(Call("DELETE", _path(request_id))))

    def approve(self, request_id: int | str, *, assignment_id: int | None = None) -> Resource:
        """Give the official the requested (or the named) vacant slot."""
        return self._client._run(single(_approve(request_id, assignment_id)))

    def decline(self, request_id: int | str) -> Resource:
        return self._client._run(single(_decline(request_id)))


class AsyncGameRequests(AsyncNamespace):
    """``client.game_requests`` of an ``AsyncClient``; same methods as :class:`GameRequests`."""

    async def create(
        self,
        game_id: int,
        *,
        position_id: int | None = None,
        comment: str | None = None,
        user_id: int | None = None,
        idempotency_key: str | None = None,
    ) -> Resource:
        call = _create(game_id, position_id, comment, user_id, idempotency_key)
        return await self._client._run(single(call))

    async def list(
        self,
        site_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        status: str | None = None,
        game_id: int | None = None,
        user_id: int | None = None,
    ) -> Page:
        call = _list(site_id, page, limit, status, game_id, user_id)
        return await self._client._run(page_of(call, KEY))

    def iter(
        self,
        site_id: int | str,
        *,
        limit: int | None = None,
        status: str | None = None,
        game_id: int | None = None,
        user_id: int | None = None,
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(site_id, None, limit, status, game_id, user_id), KEY)

    async def get(self, request_id: int | str) -> Resource:
        return await self._client._run(single(Call("GET", _path(request_id))))

    async def withdraw(self, request_id: int | str) -> None:
        await self._client._run(no_content(Call("DELETE", _path(request_id))))

    async def approve(self, request_id: int | str, *, assignment_id: int | None = None) -> Resource:
        return await self._client._run(single(_approve(request_id, assignment_id)))

    async def decline(self, request_id: int | str) -> Resource:
        return await self._client._run(single(_decline(request_id)))
