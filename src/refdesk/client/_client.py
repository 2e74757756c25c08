"""``Client`` and ``AsyncClient``: one shared base (configuration and the sans-I/O
:class:`~refdesk.client._engine.Engine`) and two thin drivers that carry out its steps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from refdesk import __version__
from refdesk.client._auth import DEFAULT_RENEW_MARGIN, PKCE, Token, TokenManager, authorization_url
from refdesk.client._config import RetryPolicy, VerifyTypes, authorize_url_for, resolve
from refdesk.client._core import Call, Flow, must, next_page_call, page_of
from refdesk.client._engine import Engine, Send, Steps
from refdesk.client._errors import RefdeskError, Unauthorized
from refdesk.client._hal import Page, Resource
from refdesk.client._resources.helpers import AsyncHelpers, SyncHelpers

T = TypeVar("T")
USER_AGENT = f"refdesk-python/{__version__}"


def _call(
    method: str,
    path: str,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    idempotency_key: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Call:
    return Call(method.upper(), path, params, json, idempotency_key, headers)


def _link(resource: Resource, rel: str) -> str:
    href = resource.link(rel)
    if href is None:
        raise RefdeskError(f"the resource has no {rel!r} link")
    return href


def _as_page(resource: Resource, answer: Resource) -> Resource:
    """Following a link of a Page gives a Page of the same collection."""
    return Page(answer, resource.key) if isinstance(resource, Page) else answer


class BaseClient:
    """What ``Client`` and ``AsyncClient`` share. Not used directly.

    Arguments (all optional when the ``REFDESK_*`` environment variables are set):

    * ``base_url`` — the API root, e.g. ``https://refdesk.example.org/api/v2`` or
      ``https://api.assignr.com/api/v2`` (a bare origin gets ``/api/v2``). Env ``REFDESK_URL``.
    * ``token_url`` — env ``REFDESK_TOKEN_URL``; default: ``/oauth/token`` on the API's origin
      (``https://app.assignr.com/oauth/token`` for assignr.com).
    * ``client_id``, ``client_secret``, ``scope`` — client-credentials grant; env
      ``REFDESK_CLIENT_ID``, ``REFDESK_CLIENT_SECRET``, ``REFDESK_SCOPE``.
    * ``token`` — a bearer token string (used as is), or a :class:`Token` (renewed through the
      refresh grant when it carries a refresh token).
    * ``verify`` — TLS verification: True (default), False, an ``ssl.SSLContext``, or the path
      of a CA file to trust (env ``REFDESK_CA_FILE``).
    * ``retry`` — a :class:`RetryPolicy`; ``pace=True`` turns on client-side pacing;
      ``renew_margin`` — renew a token this many seconds before it expires.
    * ``transport`` (on the concrete clients) — an httpx transport, e.g. ``ASGITransport``.
    * ``environ`` — read configuration from this mapping instead of ``os.environ``.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        token: str | Token | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        scope: str | None = None,
        token_url: str | None = None,
        verify: VerifyTypes | None = None,
        timeout: float | httpx.Timeout = 30.0,
        retry: RetryPolicy | None = None,
        pace: bool = False,
        renew_margin: float = DEFAULT_RENEW_MARGIN,
        user_agent: str = USER_AGENT,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = resolve(
            base_url=base_url,
            token_url=token_url,
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
            verify=verify,
            environ=environ,
        )
        auth = TokenManager(
            self.settings.token_url,
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret,
            scope=self.settings.scope,
            token=Token(access_token=token) if isinstance(token, str) else token,
            renew_margin=renew_margin,
        )
        self._engine = Engine(
            self.settings.base_url, auth, retry or RetryPolicy(), pace=pace, user_agent=user_agent
        )
        self._timeout = timeout

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._engine.policy

    @property
    def token(self) -> Token | None:
        """The current token (None before the first request of a client-credentials client).
        Assign a saved :class:`Token` (``Token.from_dict``) to resume with its refresh token."""
        return self._engine.auth.token

    @token.setter
    def token(self, value: Token | str | None) -> None:
        self._engine.auth.token = Token(access_token=value) if isinstance(value, str) else value

    @property
    def authorize_url(self) -> str:
        return authorize_url_for(self.settings.token_url)

    def authorization_url(
        self,
        redirect_uri: str,
        *,
        scope: str | None = None,
        state: str | None = None,
        pkce: PKCE | None = None,
    ) -> str:
        """Where to send the user's browser to approve this application (authorization-code
        grant, §6.4). Keep ``pkce.verifier`` for ``exchange_code``."""
        if not self.settings.client_id:
            raise RefdeskError("authorization_url needs client_id")
        return authorization_url(
            self.authorize_url,
            self.settings.client_id,
            redirect_uri,
            scope=scope or self.settings.scope,
            state=state,
            pkce=pkce,
        )

    def _code_request(
        self, code: str, redirect_uri: str | None, code_verifier: str | None
    ) -> httpx.Request:
        return self._engine.auth.code_request(code, redirect_uri, code_verifier)

    def _refresh_request(self, scope: str | None) -> httpx.Request:
        token = self._engine.auth.token
        if token is None or not token.refresh_token:
            raise Unauthorized(401, "invalid_grant", "there is no refresh token to use")
        return self._engine.auth.refresh_request(token.refresh_token, scope)


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
