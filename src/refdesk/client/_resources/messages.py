"""Messages: e-mail from a site's assignors and managers to users of the site (contract
§18.8). ``send`` is Assignr's endpoint; ``list``/``iter``/``get`` are refdesk extensions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator

from refdesk.client._core import Call, page_of, single
from refdesk.client._hal import Page, Resource
from refdesk.client._resources._base import (
    AsyncNamespace,
    SyncNamespace,
    body,
    page_params,
    path_id,
)

KEY = "messages"
BODY = "message"


def _site(site_id: int | str) -> str:
    return f"sites/{path_id(site_id)}/messages"


def _send(
    site_id: int | str,
    recipient_ids: Iterable[int | str],
    subject: str,
    text: str,
    idempotency_key: str | None,
) -> Call:
    recipients = [path_id(r) for r in recipient_ids]
    json = body(BODY, recipient_ids=recipients, subject=subject, body=text)
    return Call("POST", _site(site_id), json=json, idempotency_key=idempotency_key)


def _list(site_id: int | str, page: int | None, limit: int | None) -> Call:
    return Call("GET", _site(site_id), params=page_params(page, limit))


def _get(message_id: int | str) -> Call:
    return Call("GET", f"messages/{path_id(message_id)}")


class Messages(SyncNamespace):
    """``client.messages``."""

    def send(
        self,
        site_id: int | str,
        *,
        recipient_ids: Iterable[int | str],
        subject: str,
        body: str,
        idempotency_key: str | None = None,
    ) -> Resource:
        """E-mail users of the site (1–500 user ids); the server sends asynchronously, so
        the message's ``delivery_status`` starts ``queued`` (or ``not_configured``). Pass an
        ``idempotency_key`` to make retries safe: the same key never sends twice."""
        call = _send(site_id, recipient_ids, subject, body, idempotency_key)
        return self._client._run(single(call))

    def list(
        self, site_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        """One page of a site's messages, newest first."""
        return self._client._run(page_of(_list(site_id, page, limit), KEY))

    def iter(self, site_id: int | str, *, limit: int | None = None) -> Iterator[Resource]:
        return self._client._iterate(_list(site_id, None, limit), KEY)

    def get(self, message_id: int | str) -> Resource:
        return self._client._run(single(_get(message_id)))


class AsyncMessages(AsyncNamespace):
    """``client.messages`` of an ``AsyncClient``; same methods as :class:`Messages`."""

    async def send(
        self,
        site_id: int | str,
        *,
        recipient_ids: Iterable[int | str],
        subject: str,
        body: str,
        idempotency_key: str | None = None,
    ) -> Resource:
        call = _send(site_id, recipient_ids, subject, body, idempotency_key)
        return await self._client._run(single(call))

    async def list(
        self, site_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return await self._client._run(page_of(_list(site_id, page, limit), KEY))

    def iter(self, site_id: int | str, *, limit: int | None = None) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(site_id, None, limit), KEY)

    async def get(self, message_id: int | str) -> Resource:
        return await self._client._run(single(_get(message_id)))
