"""Where a request came from: client IP, HTTPS, public base URL (contract §2.4–2.6)."""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=4096)
def _parsed(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address (None if it is none): parsed once per distinct peer, not per request."""
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


# Longer than any IP address (an IPv6 address with a scope id included): never parsed, so a
# client's X-Forwarded-For cannot fill the cache above with long strings.
MAX_ADDRESS_LENGTH = 64


def _is_trusted(address: str | None, networks: Iterable[Network]) -> bool:
    if not address or len(address) > MAX_ADDRESS_LENGTH:
        return False
    ip = _parsed(address)
    if ip is None:
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


def _claimed_host(scope: Scope, settings: Settings) -> str:
    """The host the client names: trusted ``X-Forwarded-Host``, else ``Host``."""
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


def host_name(value: str) -> str:
    """The name in a ``Host`` value (or an ``allowed_hosts`` entry): lower case, without the
    port and without IPv6 brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else value
    if value.count(":") == 1:
        name, _, port = value.partition(":")
        if port.isdigit() or not port:
            return name
    return value


def _allowed(name: str, allowed: frozenset[str]) -> bool:
    if name in allowed or "*" in allowed:
        return True
    return any(entry.startswith("*.") and name.endswith(entry[1:]) for entry in allowed)


def host_allowed(scope: Scope, settings: Settings) -> bool:
    """Does the request name a host of ``allowed_hosts`` (always, when that is empty)?"""
    allowed = settings.allowed_host_names
    return not allowed or _allowed(host_name(_claimed_host(scope, settings)), allowed)


def request_host(scope: Scope, settings: Settings) -> str:
    """The request's host for links (§2.4); never one outside ``allowed_hosts``."""
    host = _claimed_host(scope, settings)
    allowed = settings.allowed_host_names
    if allowed and not _allowed(host_name(host), allowed):
        plain = sorted(entry for entry in allowed if "*" not in entry)
        if not plain:
            return "localhost"
        return f"[{plain[0]}]" if ":" in plain[0] else plain[0]
    return host


def base_url(scope: Scope, settings: Settings) -> str:
    """The public base URL: the setting, else scheme + host as the client sees them."""
    if settings.public_base_url:
        return settings.public_base_url
    scheme = "https" if is_https(scope, settings) else "http"
    return f"{scheme}://{request_host(scope, settings)}"
