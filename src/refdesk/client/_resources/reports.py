"""Game reports (contract §18.4): the site list is Assignr's; per-game lists, single reports
and writes are refdesk extensions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import date
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

KEY = "game_reports"
BODY = "game_report"
DateIn = date | str | None


def _site(
    site_id: int | str,
    page: int | None,
    limit: int | None,
    start_date: DateIn,
    end_date: DateIn,
    game_id: int | None,
    misconduct: bool | None,
) -> Call:
    search = {
        "start_date": start_date,
        "end_date": end_date,
        "game_id": game_id,
        "misconduct": misconduct,
    }
    path = f"sites/{path_id(site_id)}/game_reports"
    return Call("GET", path, params=page_params(page, limit, search))


def _game(game_id: int | str) -> str:
    return f"games/{path_id(game_id)}/game_reports"


def _one(report_id: int | str) -> str:
    return f"game_reports/{path_id(report_id)}"


def _for_game(game_id: int | str, page: int | None, limit: int | None) -> Call:
    return Call("GET", _game(game_id), params=page_params(page, limit))


def _create(game_id: int | str, fields: Mapping[str, Any], idempotency_key: str | None) -> Call:
    json = wrapped(BODY, fields)
    return Call("POST", _game(game_id), json=json, idempotency_key=idempotency_key)


def _update(report_id: int | str, fields: Mapping[str, Any]) -> Call:
    return Call("PUT", _one(report_id), json=wrapped(BODY, fields))


class GameReports(SyncNamespace):
    """``client.game_reports`` (fields ``misconduct``, ``home_team_score``,
    ``away_team_score``, ``text``, ``officials``)."""

    def list(
        self,
        site_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        game_id: int | None = None,
        misconduct: bool | None = None,
    ) -> Page:
        """One page of a site's reports, newest first (dates: the game's local date)."""
        call = _site(site_id, page, limit, start_date, end_date, game_id, misconduct)
        return self._client._run(page_of(call, KEY))

    def iter(
        self,
        site_id: int | str,
        *,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        game_id: int | None = None,
        misconduct: bool | None = None,
    ) -> Iterator[Resource]:
        call = _site(site_id, None, limit, start_date, end_date, game_id, misconduct)
        return self._client._iterate(call, KEY)

    def for_game(
        self, game_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return self._client._run(page_of(_for_game(game_id, page, limit), KEY))

    def iter_for_game(self, game_id: int | str, *, limit: int | None = None) -> Iterator[Resource]:
        return self._client._iterate(_for_game(game_id, None, limit), KEY)

    def get(self, report_id: int | str) -> Resource:
        return self._client._run(single(Call("GET", _one(report_id))))

    def create(
        self, game_id: int | str, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Resource:
        return self._client._run(single(_create(game_id, fields, idempotency_key)))

    def update(self, report_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return self._client._run(single(_update(report_id, fields)))

    def delete(self, report_id: int | str) -> None:
        self._client._run(no_content(Call("DELETE", _one(report_id))))


class AsyncGameReports(AsyncNamespace):
    """``client.game_reports`` of an ``AsyncClient``; same methods as :class:`GameReports`."""

    async def list(
        self,
        site_id: int | str,
        *,
        page: int | None = None,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        game_id: int | None = None,
        misconduct: bool | None = None,
    ) -> Page:
        call = _site(site_id, page, limit, start_date, end_date, game_id, misconduct)
        return await self._client._run(page_of(call, KEY))

    def iter(
        self,
        site_id: int | str,
        *,
        limit: int | None = None,
        start_date: DateIn = None,
        end_date: DateIn = None,
        game_id: int | None = None,
        misconduct: bool | None = None,
    ) -> AsyncIterator[Resource]:
        call = _site(site_id, None, limit, start_date, end_date, game_id, misconduct)
        return self._client._iterate(call, KEY)

    async def for_game(
        self, game_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return await self._client._run(page_of(_for_game(game_id, page, limit), KEY))

    def iter_for_game(
        self, game_id: int | str, *, limit: int | None = None
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_for_game(game_id, None, limit), KEY)

    async def get(self, report_id: int | str) -> Resource:
        return await self._client._run(single(Call("GET", _one(report_id))))

    async def create(
        self, game_id: int | str, fields: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Resource:
        return await self._client._run(single(_create(game_id, fields, idempotency_key)))

    async def update(self, report_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_update(report_id, fields)))

    async def delete(self, report_id: int | str) -> None:
        await self._client._run(no_content(Call("DELETE", _one(report_id))))
