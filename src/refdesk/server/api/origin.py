"""Where a request came from: client IP, HTTPS, public base URL (contract §2.4–2.6)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import Scope

from refdesk.server.config import Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _is_trusted(address: str | None, networks: Iterable[Network]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def peer_address(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def from_trusted_proxy(scope: Scope, settings: Settings) -> bool:
    return _is_trusted(peer_address(scope), settings.trusted_networks)


def client_ip(scope: Scope, settings: Settings) -> str:
    """Right-most X-Forwarded-For address that is not a trusted proxy, else the TCP peer."""
    peer = peer_address(scope) or "unknown"
    networks = settings.trusted_networks
    if not _is_trusted(peer, networks):
        return peer
    forwarded = header(scope, b"x-forwarded-for")
    if not forwarded:
        return peer
    for candidate in reversed([a.strip() for a in forwarded.split(",") if a.strip()]):
        if not _is_trusted(candidate, networks):
            return candidate
    return peer


def is_https(scope: Scope, settings: Settings) -> bool:
    if scope.get("scheme") in ("https", "wss"):
        return True
    if from_trusted_proxy(scope, settings):
        proto = header(scope, b"x-forwarded-proto")
        if proto and proto.split(",")[0].strip().lower() == "https":
            return True
    return False


def request_host(scope: Scope, settings: Settings) -> str:
    if from_trusted_proxy(scope, settings):
        forwarded = header(scope, b"x-forwarded-host")
        if forwarded:
            return forwarded.split(",")[0].strip()
    host = header(scope, b"host")
    if host:
        return host
    server = scope.get("server")
    if server:
        return f"{server[0]}:{server[1]}"
    return "localhost"


def base_url(scope: Scope, settings: Settings) -> str:
    """The public base URL: the setting, else scheme + host as the client sees them."""
    if settings.public_base_url:
        return settings.public_base_url
    scheme = "https" if is_https(scope, settings) else "http"
    return f"{scheme}://{request_host(scope, settings)}"
