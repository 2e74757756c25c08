"""Which URLs webhooks may be sent to (contract §18.7): the SSRF rules.

``https`` only unless ``webhook_allow_http``; a host that is, or resolves to, a loopback,
private, link-local or otherwise non-public address is refused unless
``webhook_allow_private``. The check runs when a subscription is written and again, on the
freshly resolved addresses, before every delivery attempt (a name can be re-pointed).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from refdesk.server.config import Settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_LENGTH = 2000


class TargetRefused(Exception):
    """The target may not be called; ``reason`` is for the delivery log, never secret."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _parts(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return parts


# IPv6 ranges that carry an IPv4 address (judged by that address) or that Python 3.11's
# ``is_global`` still counts as global although they are not (deprecated site-local).
_EMBEDDING = (
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated), e.g. ::127.0.0.1
    ipaddress.ip_network("::ffff:0:0:0/96"),  # SIIT IPv4-translated
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64 well-known prefix
)
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_NOT_GLOBAL_V6 = (ipaddress.ip_network("fec0::/10"),)  # site-local (deprecated)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    for network in _EMBEDDING:
        if address in network:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local,
    shared, reserved, multicast or unspecified). An IPv6 address that carries an IPv4 one
    (IPv4-mapped or -compatible, SIIT, NAT64, 6to4) is judged by that IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in network for network in _NOT_GLOBAL_V6):
            return False
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            address = embedded
    return address.is_global and not address.is_multicast


def syntax_problem(url: str, settings: Settings) -> str | None:
    """Why ``url`` cannot be a target without looking it up, or None."""
    if not url or len(url) > MAX_URL_LENGTH or not url.isprintable() or " " in url:
        return "invalid"
    parts = _parts(url)
    if parts is None or not parts.hostname:
        return "invalid"
    if parts.scheme == "http" and not settings.webhook_allow_http:
        return "http"
    if parts.scheme not in ("http", "https"):
        return "invalid"
    if parts.username is not None or parts.password is not None:
        return "invalid"
    if parts.port == 0:  # nothing listens on port 0 (and connecting there is refused)
        return "invalid"
    return None


async def resolve(url: str, settings: Settings) -> list[Address]:
    """The addresses ``url``'s host resolves to, all allowed by the rules, or TargetRefused."""
    problem = syntax_problem(url, settings)
    if problem is not None:
        raise TargetRefused(problem)
    parts = _parts(url)
    assert parts is not None and parts.hostname is not None
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        literal: Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses: list[Address] = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError):
            raise TargetRefused("unresolvable") from None
        addresses = []
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise TargetRefused("unresolvable")
    if not settings.webhook_allow_private and not all(is_public(a) for a in addresses):
        raise TargetRefused("private")
    return addresses


async def target_problem(url: str, settings: Settings) -> str | None:
    """The 422 message for ``target_url`` (``is invalid``), or None when it may be used.

    A name that does not resolve now is accepted (the receiver may not exist yet, and a
    sandbox may have no DNS); every delivery attempt resolves and checks it again.
    """
    try:
        await resolve(url, settings)
    except TargetRefused as refused:
        return None if refused.reason == "unresolvable" else "is invalid"
    return None
