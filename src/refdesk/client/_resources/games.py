"""Games (contract §16.3): a site's games and its open games, games needing officials, the
account's and a user's games, and writes with optimistic locking (§12)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypedDict, Unpack

from refdesk.client._core import Call, Flow, no_content, page_of, single
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

KEY = "games"


class GameFilters(TypedDict, total=False):
    """The ``search[...]`` filters of every game list (§16.3.5). Assignr knows
    ``start_date``, ``end_date`` and ``league_id``; the others are refdesk extensions (an
    Assignr server ignores them). ``status`` may be a list (sent comma-separated)."""

    start_date: date | str
    end_date: date | str
    league_id: int
    age_group_id: int
    venue_id: int
    game_type_id: int
    gender_id: int
    zone_id: int
    team_id: int
    status: str | Sequence[str]
    published: bool
    user_id: int
    user_defined_id: str
    external_id: str
    updated_since: datetime | str
    site_id: int


def _list(path: str, page: int | None, limit: int | None, filters: Mapping[str, Any]) -> Call:
    return Call("GET", path, params=page_params(page, limit, filters))


def _site(site_id: int | str, suffix: str = "") -> str:
    return f"sites/{path_id(site_id)}/games{suffix}"


def _open(site_id: int | str | None) -> str:
    return "games/unassigned" if site_id is None else _site(site_id, "/unassigned")


def _needing(site_id: int | str) -> str:
    return _site(site_id, "/officials/unassigned")


def _user(user_id: int | str) -> str:
    return f"users/{path_id(user_id)}/games"


MINE = "current_account/games"


def _get(game_id: int | str) -> Call:
    return Call("GET", f"games/{path_id(game_id)}")


def _create(site_id: int | str, fields: Mapping[str, Any], idempotency_key: str | None) -> Call:
    return Call(
        "POST", _site(site_id), json=wrapped("game", fields), idempotency_key=idempotency_key
    )


def _update(game_id: int | str, fields: Mapping[str, Any], lock_version: int | None) -> Call:
    return Call("PUT", f"games/{path_id(game_id)}", json=wrapped("game", fields, lock_version))


def _delete(game_id: int | str) -> Call:
    return Call("DELETE", f"games/{path_id(game_id)}")


def _unassign(
    game_id: int | str,
    assignment_ids: Sequence[int] | None,
    position_id: int | None,
    lock_version: int | None,
) -> Call:
    ids = [path_id(i) for i in assignment_ids] if assignment_ids is not None else None
    return Call(
        "PUT",
        f"games/{path_id(game_id)}/unassign",
        json=flat(assignment_ids=ids, position_id=position_id, lock_version=lock_version),
    )


def _reapply(game_id: int | str, change: Change, attempts: int) -> Flow[Resource]:
    def write(current: Resource, fields: Mapping[str, Any]) -> Call:
        return _update(game_id, fields, current.lock_version)

    return reapply_on_conflict(_get(game_id), write, change, attempts)


class Games(SyncNamespace):
    """``client.games``. Every list takes ``page``/``limit`` (max 50) and the filters of
    :class:`GameFilters` as keywords; each ``iter_*`` walks every page."""

    def list(
        self,
        site_id: int | str,
        /,
        *,
        page: int | None = None,
        limit: int | None = None,
        **filters: Unpack[GameFilters],
    ) -> Page:
        """One page of the site's games visible to the caller, by start time."""
        return self._client._run(page_of(_list(_site(site_id), page, limit, filters), KEY))

    def iter(
        self, site_id: int | str, /, *, limit: int | None = None, **filters: Unpack[GameFilters]
    ) -> Iterator[Resource]:
        return self._client._iterate(_list(_site(site_id), None, limit, filters), KEY)

    def open(
        self,
        site_id: int | str | None = None,
        /,
        *,
        page: int | None = None,
        limit: int | None = None,
        **filters: Unpack[GameFilters],
    ) -> Page:
        """Open games (published, active, future, with a vacant slot) of one site, or of every
        site where the caller may see them when no site is given (``GET /games/unassigned``;
        there the keyword ``site_id=`` is the refdesk ``search[site_id]`` filter)."""
        return self._client._run(page_of(_list(_open(site_id), page, limit, filters), KEY))

    def iter_open(
        self,
        site_id: int | str | None = None,
        /,
        *,
        limit: int | None = None,
        **filters: Unpack[GameFilters],
    ) -> Iterator[Resource]:
        return self._client._iterate(_list(_open(site_id), None, limit, filters), KEY)

    def needing_officials(
        self,
        site_id: int | str,
        /,
        *,
        page: int | None = None,
        limit: int | None = None,
        **filters: Unpack[GameFilters],
    ) -> Page:
        """Non-cancelled games with a vacant slot, published or not (assignors, managers)."""
        return self._client._run(page_of(_list(_needing(site_id), page, limit, filters), KEY))

    def iter_needing_officials(
        self, site_id: int | str, /, *, limit: int | None = None, **filters: Unpack[GameFilters]
    ) -> Iterator[Resource]:
        return self._client._iterate(_list(_needing(site_id), None, limit, filters), KEY)

    def mine(
        self, *, page: int | None = None, limit: int | None = None, **filters: Unpack[GameFilters]
    ) -> Page:
        """Games where one of the account's users holds a slot (``/current_account/games``)."""
        return self._client._run(page_of(_list(MINE, page, limit, filters), KEY))

    def iter_mine(
        self, *, limit: int | None = None, **filters: Unpack[GameFilters]
    ) -> Iterator[Resource]:
        return self._client._iterate(_list(MINE, None, limit, filters), KEY)

    def for_user(
        self,
        user_id: int | str,
        /,
        *,
        page: int | None = None,
        limit: int | None = None,
        **filters: Unpack[GameFilters],
    ) -> Page:
        """Games where the user holds a slot."""
        return self._client._run(page_of(_list(_user(user_id), page, limit, filters), KEY))

    def iter_for_user(
        self, user_id: int | str, /, *, limit: int | None = None, **filters: Unpack[GameFilters]
    ) -> Iterator[Resource]:
        return self._client._iterate(_list(_user(user_id), None, limit, filters), KEY)

    def get(self, game_id: int | str) -> Resource:
        return self._client._run(single(_get(game_id)))

    def create(
        self, site_id: int | str, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Resource:
        """Create a game; references may be given by id or by name (``venue_name``...)."""
        return self._client._run(single(_create(site_id, fields, idempotency_key)))

    def update(
        self, game_id: int | str, fields: Mapping[str, Any], *, lock_version: int | None = None
    ) -> Resource:
        """Partial update; with ``lock_version`` a concurrent change raises ``Conflict``."""
        return self._client._run(single(_update(game_id, fields, lock_version)))

    def update_with_retry(
        self, game_id: int | str, change: Change, *, attempts: int = 3
    ) -> Resource:
        """Read, apply ``change`` (fields, or a function of the current game) with its
        ``lock_version``; on 409 re-read and re-apply, up to ``attempts`` writes."""
        return self._client._run(_reapply(game_id, change, attempts))

    def delete(self, game_id: int | str) -> None:
        self._client._run(no_content(_delete(game_id)))

    def unassign(
        self,
        game_id: int | str,
        *,
        assignment_ids: Sequence[int] | None = None,
        position_id: int | None = None,
        lock_version: int | None = None,
    ) -> Resource:
        """Vacate every held slot (or those named); returns the game."""
        call = _unassign(game_id, assignment_ids, position_id, lock_version)
        return self._client._run(single(call))


class AsyncGames(AsyncNamespace):
    """``client.games`` of an ``AsyncClient``; same methods as :class:`Games`."""

    async def list(
        self,
        site_id: int | str,
        /,
        *,
        page: int | None = None,
        limit: int | None = None,
        **filters: Unpack[GameFilters],
    ) -> Page:
        return await self._client._run(page_of(_list(_site(site_id), page, limit, filters), KEY))

    def iter(
        self, site_id: int | str, /, *, limit: int | None = None, **filters: Unpack[GameFilters]
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(_site(site_id), None, limit, filters), KEY)

    async def open(
        self,
        site_id: int | str | None = None,
        /,
        *,
        page: int | None = None,
        limit: int | None = None,
        **filters: Unpack[GameFilters],
    ) -> Page:
        return await self._client._run(page_of(_list(_open(site_id), page, limit, filters), KEY))

    def iter_open(
        self,
        site_id: int | str | None = None,
        /,
        *,
        limit: int | None = None,
        **filters: Unpack[GameFilters],
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(_open(site_id), None, limit, filters), KEY)

    async def needing_officials(
        self,
        site_id: int | str,
        /,
        *,
        page: int | None = None,
        limit: int | None = None,
        **filters: Unpack[GameFilters],
    ) -> Page:
        call = _list(_needing(site_id), page, limit, filters)
        return await self._client._run(page_of(call, KEY))

    def iter_needing_officials(
        self, site_id: int | str, /, *, limit: int | None = None, **filters: Unpack[GameFilters]
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(_needing(site_id), None, limit, filters), KEY)

    async def mine(
        self, *, page: int | None = None, limit: int | None = None, **filters: Unpack[GameFilters]
    ) -> Page:
        return await self._client._run(page_of(_list(MINE, page, limit, filters), KEY))

    def iter_mine(
        self, *, limit: int | None = None, **filters: Unpack[GameFilters]
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(MINE, None, limit, filters), KEY)

    async def for_user(
        self,
        user_id: int | str,
        /,
        *,
        page: int | None = None,
        limit: int | None = None,
        **filters: Unpack[GameFilters],
    ) -> Page:
        return await self._client._run(page_of(_list(_user(user_id), page, limit, filters), KEY))

    def iter_for_user(
        self, user_id: int | str, /, *, limit: int | None = None, **filters: Unpack[GameFilters]
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(_user(user_id), None, limit, filters), KEY)

    async def get(self, game_id: int | str) -> Resource:
        return await self._client._run(single(_get(game_id)))

    async def create(
        self, site_id: int | str, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Resource:
        return await self._client._run(single(_create(site_id, fields, idempotency_key)))

    async def update(
        self, game_id: int | str, fields: Mapping[str, Any], *, lock_version: int | None = None
    ) -> Resource:
        return await self._client._run(single(_update(game_id, fields, lock_version)))

    async def update_with_retry(
        self, game_id: int | str, change: Change, *, attempts: int = 3
    ) -> Resource:
        return await self._client._run(_reapply(game_id, change, attempts))

    async def delete(self, game_id: int | str) -> None:
        await self._client._run(no_content(_delete(game_id)))

    async def unassign(
        self,
        game_id: int | str,
        *,
        assignment_ids: Sequence[int] | None = None,
        position_id: int | None = None,
        lock_version: int | None = None,
    ) -> Resource:
        call = _unassign(game_id, assignment_ids, position_id, lock_version)
        return await self._client._run(single(call))
