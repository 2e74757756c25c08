"""The acting account's personal calendar feed (contract §19.3; refdesk extension): its
secret iCalendar URL (``url``, ``webcal_url``), made on the first request, and rotation."""

from __future__ import annotations

from refdesk.client._core import Call, single
from refdesk.client._hal import Resource
from refdesk.client._resources._base import AsyncNamespace, SyncNamespace

PATH = "current_account/calendar"


def _get() -> Call:
    return Call("GET", PATH)


def _rotate() -> Call:
    return Call("POST", f"{PATH}/rotate")


class Calendar(SyncNamespace):
    """``client.calendar``: the feed descriptor (``url``, ``webcal_url``, ``created``)."""

    def get(self) -> Resource:
        """The feed's URL (the server makes one on the first request)."""
        return self._client._run(single(_get()))

    def rotate(self) -> Resource:
        """A new URL; the old one answers 404 from now on."""
        return self._client._run(single(_rotate()))


class AsyncCalendar(AsyncNamespace):
    """``client.calendar`` of an ``AsyncClient``; same methods as :class:`Calendar`."""

    async def get(self) -> Resource:
        return await self._client._run(single(_get()))

    async def rotate(self) -> Resource:
        return await self._client._run(single(_rotate()))
