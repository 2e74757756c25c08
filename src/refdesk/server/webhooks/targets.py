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


def is_public(address: Address) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local,
    shared, reserved, multicast or unspecified; IPv4-mapped IPv6 judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def syntax_problem(url: str, settings: Settings) -> str | None:
    """Why ``url`` cannot be a target without looking it up, or None."""
    if not url or len(url) > MAX_URL_LENGTH or any(c.isspace() for c in url):
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
