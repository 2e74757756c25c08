"""``Client`` and ``AsyncClient``: two thin drivers that carry out the steps of the shared
sans-I/O engine (configuration and engine live in ``_base_client.BaseClient``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from refdesk.client._auth import Token
from refdesk.client._base_client import BaseClient, _as_page, _call, _link
from refdesk.client._core import Call, Flow, must, next_page_call, page_of
from refdesk.client._engine import Send, Steps
from refdesk.client._hal import Page, Resource
from refdesk.client._resources.helpers import AsyncHelpers, SyncHelpers

T = TypeVar("T")


class Client(SyncHelpers, BaseClient):
    """The synchronous client; see :class:`BaseClient` for the arguments.

    >>> with Client("https://refdesk.example.org", client_id=..., client_secret=...) as api:
    ...     for site in api.sites.iter():
    ...         print(site["name"])
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(base_url, **kwargs)
        self._http = httpx.Client(
            transport=transport, verify=self.settings.verify, timeout=self._timeout
        )
        self._attach_helpers()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the driver -----------------------------------------------------------------------------

    def _drive(self, steps: Steps[T]) -> T:
        try:
            step = next(steps)
            while True:
                if isinstance(step, Send):
                    try:
                        response = self._http.send(step.request)
                    except httpx.TransportError as exc:
                        step = steps.throw(exc)
                    else:
                        step = steps.send(response)
                else:
                    time.sleep(step.seconds)
                    step = steps.send(None)
        except StopIteration as stop:
            result: T = stop.value
            return result

    def _run(self, flow: Flow[T]) -> T:
        return self._drive(self._engine.run(flow))

    def _iterate(self, call: Call, key: str | None) -> Iterator[Resource]:
        seen: set[str] = set()
        next_call: Call | None = call
        while next_call is not None:
            page = self._run(page_of(next_call, key))
            yield from page.resources
            next_call = next_page_call(page, seen)

    # -- any endpoint ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Resource | None:
        """Any API request; ``path`` is relative to the base URL (``sites/7/games``) or an
        absolute link. Returns the decoded body (None for 204 and HEAD)."""
        call = _call(method, path, params, json, idempotency_key, headers)
        return self._drive(self._engine.call(call))

    def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Resource:
        return must(self.request("GET", path, params=params))

    def post(
        self, path: str, json: Any = None, *, idempotency_key: str | None = None
    ) -> Resource | None:
        return self.request("POST", path, json=json, idempotency_key=idempotency_key)

    def put(self, path: str, json: Any = None) -> Resource | None:
        return self.request("PUT", path, json=json)

    def patch(self, path: str, json: Any = None) -> Resource | None:
        return self.request("PATCH", path, json=json)

    def delete(self, path: str) -> None:
        self.request("DELETE", path)

    def page(
        self, path: str, key: str | None = None, *, params: Mapping[str, Any] | None = None
    ) -> Page:
        """One page of any collection (``key``: its ``_embedded`` member, e.g. ``games``)."""
        return self._run(page_of(_call("GET", path, params), key))

    def paginate(
        self, path: str, key: str | None = None, *, params: Mapping[str, Any] | None = None
    ) -> Iterator[Resource]:
        """Every item of any collection, following ``_links.next`` until a stop signal."""
        return self._iterate(_call("GET", path, params), key)

    def follow(self, resource: Resource, rel: str) -> Resource:
        """GET the resource's link ``rel``; ``follow(page, "next")`` gives the next Page."""
        return _as_page(resource, self.get(_link(resource, rel)))

    # -- OAuth ----------------------------------------------------------------------------------

    def _token(self, request: httpx.Request) -> Token:
        return self._drive(self._engine.token(request))

    def fetch_token(self) -> Token:
        """Get a new token now (refresh grant with a refresh token, else client credentials)."""
        return self._token(self._engine.auth.renewal_request())

    def exchange_code(
        self, code: str, *, redirect_uri: str | None = None, code_verifier: str | None = None
    ) -> Token:
        """Trade an authorization code for tokens; the client uses them from now on."""
        return self._token(self._code_request(code, redirect_uri, code_verifier))

    def refresh(self, scope: str | None = None) -> Token:
        """Use the refresh token now (it rotates: the new one replaces it)."""
        return self._token(self._refresh_request(scope))


class AsyncClient(AsyncHelpers, BaseClient):
    """The asyncio client: the surface of :class:`Client` with ``await`` and ``async for``."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(base_url, **kwargs)
        self._http = httpx.AsyncClient(
            transport=transport, verify=self.settings.verify, timeout=self._timeout
        )
        self._attach_helpers()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _drive(self, steps: Steps[T]) -> T:
        try:
            step = next(steps)
            while True:
                if isinstance(step, Send):
                    try:
                        response = await self._http.send(step.request)
                    except httpx.TransportError as exc:
                        step = steps.throw(exc)
                    else:
                        step = steps.send(response)
                else:
                    await asyncio.sleep(step.seconds)
                    step = steps.send(None)
        except StopIteration as stop:
            result: T = stop.value
            return result

    async def _run(self, flow: Flow[T]) -> T:
        return await self._drive(self._engine.run(flow))

    async def _iterate(self, call: Call, key: str | None) -> AsyncIterator[Resource]:
        seen: set[str] = set()
        next_call: Call | None = call
        while next_call is not None:
            page = await self._run(page_of(next_call, key))
            for item in page.resources:
                yield item
            next_call = next_page_call(page, seen)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Resource | None:
        call = _call(method, path, params, json, idempotency_key, headers)
        return await self._drive(self._engine.call(call))

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Resource:
        return must(await self.request("GET", path, params=params))

    async def post(
        self, path: str, json: Any = None, *, idempotency_key: str | None = None
    ) -> Resource | None:
        return await self.request("POST", path, json=json, idempotency_key=idempotency_key)

    async def put(self, path: str, json: Any = None) -> Resource | None:
        return await self.request("PUT", path, json=json)

    async def patch(self, path: str, json: Any = None) -> Resource | None:
        return await self.request("PATCH", path, json=json)

    async def delete(self, path: str) -> None:
        await self.request("DELETE", path)

    async def page(
        self, path: str, key: str | None = None, *, params: Mapping[str, Any] | None = None
    ) -> Page:
        return await self._run(page_of(_call("GET", path, params), key))

    def paginate(
        self, path: str, key: str | None = None, *, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[Resource]:
        return self._iterate(_call("GET", path, params), key)

    async def follow(self, resource: Resource, rel: str) -> Resource:
        return _as_page(resource, await self.get(_link(resource, rel)))

    async def fetch_token(self) -> Token:
        return await self._drive(self._engine.token(self._engine.auth.renewal_request()))

    async def exchange_code(
        self, code: str, *, redirect_uri: str | None = None, code_verifier: str | None = None
    ) -> Token:
        request = self._code_request(code, redirect_uri, code_verifier)
        return await self._drive(self._engine.token(request))

    async def refresh(self, scope: str | None = None) -> Token:
        return await self._drive(self._engine.token(self._refresh_request(scope)))


__all__ = ["AsyncClient", "BaseClient", "Client"]
