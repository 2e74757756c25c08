"""Webhook subscriptions (contract §18.7): where a site's events are POSTed. The signing
``secret`` is in the ``create`` and ``rotate_secret`` answers only: keep it then. ``ping``,
``rotate_secret`` and ``deliveries`` are refdesk extensions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
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

PATH = "webhooks/subscriptions"
KEY = "webhook_subscriptions"
BODY = "webhook_subscription"
DELIVERIES = "deliveries"


def _list(site_id: int | str | None, page: int | None, limit: int | None) -> Call:
    site = None if site_id is None else path_id(site_id)
    return Call("GET", PATH, params=page_params(page, limit, {"site_id": site}))


def _one(subscription_id: int | str, suffix: str = "") -> str:
    return f"{PATH}/{path_id(subscription_id)}{suffix}"


def _create(
    fields: Mapping[str, Any], site_id: int | str | None, idempotency_key: str | None
) -> Call:
    body = dict(fields)
    if site_id is not None:
        body["site_id"] = path_id(site_id)
    return Call("POST", PATH, json=wrapped(BODY, body), idempotency_key=idempotency_key)


def _update(subscription_id: int | str, fields: Mapping[str, Any]) -> Call:
    return Call("PUT", _one(subscription_id), json=wrapped(BODY, fields))


def _deliveries(subscription_id: int | str, page: int | None, limit: int | None) -> Call:
    return Call("GET", _one(subscription_id, "/deliveries"), params=page_params(page, limit))


class Webhooks(SyncNamespace):
    """``client.webhooks``: subscriptions (``target_url``, ``event_types``, ``active``,
    ``description``) of the sites where the caller is assignor."""

    def list(
        self, site_id: int | str | None = None, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        """One page of subscriptions, all sites or one (``search[site_id]``), by id."""
        return self._client._run(page_of(_list(site_id, page, limit), KEY))

    def iter(
        self, site_id: int | str | None = None, *, limit: int | None = None
    ) -> Iterator[Resource]:
        return self._client._iterate(_list(site_id, None, limit), KEY)

    def get(self, subscription_id: int | str) -> Resource:
        return self._client._run(single(Call("GET", _one(subscription_id))))

    def create(
        self,
        fields: Mapping[str, Any],
        *,
        site_id: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Resource:
        """Subscribe ``target_url`` to ``event_types`` (topics, or ``["*"]``); ``site_id`` may be
        left out by an assignor of exactly one site. The answer carries the ``secret``."""
        return self._client._run(single(_create(fields, site_id, idempotency_key)))

    def update(self, subscription_id: int | str, fields: Mapping[str, Any]) -> Resource:
        """Change what is given; ``active=True`` again resets ``consecutive_failures``."""
        return self._client._run(single(_update(subscription_id, fields)))

    def delete(self, subscription_id: int | str) -> None:
        self._client._run(no_content(Call("DELETE", _one(subscription_id))))

    def ping(self, subscription_id: int | str) -> Resource:
        """Queue a ``ping`` event to this subscription only."""
        return self._client._run(single(Call("POST", _one(subscription_id, "/ping"))))

    def rotate_secret(self, subscription_id: int | str) -> Resource:
        """A new signing ``secret`` (in the answer); the old one stops signing at once."""
        call = Call("POST", _one(subscription_id, "/rotate_secret"))
        return self._client._run(single(call))

    def deliveries(
        self, subscription_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        """One page of delivery attempts of the last 30 days, newest first (``limit`` ≤ 50)."""
        return self._client._run(page_of(_deliveries(subscription_id, page, limit), DELIVERIES))

    def iter_deliveries(
        self, subscription_id: int | str, *, limit: int | None = None
    ) -> Iterator[Resource]:
        return self._client._iterate(_deliveries(subscription_id, None, limit), DELIVERIES)


class AsyncWebhooks(AsyncNamespace):
    """``client.webhooks`` of an ``AsyncClient``; same methods as :class:`Webhooks`."""

    async def list(
        self, site_id: int | str | None = None, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        return await self._client._run(page_of(_list(site_id, page, limit), KEY))

    def iter(
        self, site_id: int | str | None = None, *, limit: int | None = None
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_list(site_id, None, limit), KEY)

    async def get(self, subscription_id: int | str) -> Resource:
        return await self._client._run(single(Call("GET", _one(subscription_id))))

    async def create(
        self,
        fields: Mapping[str, Any],
        *,
        site_id: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Resource:
        return await self._client._run(single(_create(fields, site_id, idempotency_key)))

    async def update(self, subscription_id: int | str, fields: Mapping[str, Any]) -> Resource:
        return await self._client._run(single(_update(subscription_id, fields)))

    async def delete(self, subscription_id: int | str) -> None:
        await self._client._run(no_content(Call("DELETE", _one(subscription_id))))

    async def ping(self, subscription_id: int | str) -> Resource:
        return await self._client._run(single(Call("POST", _one(subscription_id, "/ping"))))

    async def rotate_secret(self, subscription_id: int | str) -> Resource:
        call = Call("POST", _one(subscription_id, "/rotate_secret"))
        return await self._client._run(single(call))

    async def deliveries(
        self, subscription_id: int | str, *, page: int | None = None, limit: int | None = None
    ) -> Page:
        call = _deliveries(subscription_id, page, limit)
        return await self._client._run(page_of(call, DELIVERIES))

    def iter_deliveries(
        self, subscription_id: int | str, *, limit: int | None = None
    ) -> AsyncIterator[Resource]:
        return self._client._iterate(_deliveries(subscription_id, None, limit), DELIVERIES)
