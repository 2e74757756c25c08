"""The worker's HTTP client, connecting only to addresses the SSRF rules checked.

``targets.resolve`` checks the addresses a target's host resolves to; if the client then
resolved the name again, a DNS answer changed in between (rebinding) could point the request
at a private address. So the client's connection pool gets a network backend that does not
resolve at all: it connects to the addresses checked for this request, which the delivery
sets in a context variable (:func:`pinned`) around the request. Connections are made in the
task that sends the request (httpcore 1.x), so the variable is visible there. ``Host`` and TLS
(SNI and certificate name) stay those of the URL. A kept-alive connection is reused only for
the same host name and port, and it was opened to a checked address.

No proxy from the environment is used (``trust_env=False``): a proxy would resolve the name
itself.
"""

from __future__ import annotations

import contextvars
import ipaddress
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

from refdesk.server.webhooks.targets import Address

_PINNED: contextvars.ContextVar[tuple[str, tuple[Address, ...]] | None] = contextvars.ContextVar(
    "refdesk_pinned_target", default=None
)


@contextmanager
def pinned(host: str, addresses: Iterable[Address]) -> Iterator[None]:
    """Within the block, connections to ``host`` go only to ``addresses``."""
    token = _PINNED.set((_normal(host), tuple(addresses)))
    try:
        yield
    finally:
        _PINNED.reset(token)


def _normal(host: str) -> str:
    return host.strip("[]").lower().rstrip(".")


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects to the pinned addresses of the host asked for, in order; never resolves."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        from httpcore._backends.auto import AutoBackend

        self._inner = inner or AutoBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        pin = _PINNED.get()
        if pin is None or pin[0] != _normal(host):
            raise httpcore.ConnectError("target address was not checked")
        last: Exception | None = None
        for address in pin[1]:
            try:
                return await self._inner.connect_tcp(
                    str(ipaddress.ip_address(address)),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last or httpcore.ConnectError("no address to connect to")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with the pool rebuilt on :class:`PinnedBackend` (httpx exposes no
    network-backend option; everything else is httpx's own request/exception mapping)."""

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(),
        )


def make_client(timeout: float, concurrency: int) -> httpx.AsyncClient:
    """One client per worker: no redirects followed, no environment proxies, pinned
    connections, at most ``concurrency`` connections at once."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(
        transport=PinnedTransport(limits),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
    )
