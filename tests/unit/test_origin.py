"""``origin.client_ip``: addresses are parsed once per distinct string (a cache), and a string
too long to be an address is never parsed nor kept, so X-Forwarded-For cannot grow it."""

from __future__ import annotations

from typing import Any

from refdesk.server.api import origin
from refdesk.server.config import Settings


def _scope(peer: str, forwarded: str) -> dict[str, Any]:
    return {"client": (peer, 5000), "headers": [(b"x-forwarded-for", forwarded.encode())]}


def test_forwarded_addresses_behind_a_trusted_proxy() -> None:
    settings = Settings(trusted_proxies=["10.0.0.0/8"])
    assert origin.client_ip(_scope("10.0.0.1", "203.0.113.7, 10.0.0.2"), settings) == (
        "203.0.113.7"
    )
    assert origin.client_ip(_scope("198.51.100.1", "203.0.113.7"), settings) == "198.51.100.1"
    long = "x" * 5000
    origin._parsed.cache_clear()
    before = origin._parsed.cache_info().currsize
    # Not an address, so not a trusted proxy: the right-most such entry is the client.
    assert origin.client_ip(_scope("10.0.0.1", f"203.0.113.7, {long}"), settings) == long
    assert origin.client_ip(_scope("10.0.0.1", f"{long}1, 10.0.0.3"), settings) == long + "1"
    # Kept: the peer 10.0.0.1 and 10.0.0.3; neither long string.
    assert origin._parsed.cache_info().currsize == before + 2
    assert origin.client_ip(_scope("10.0.0.1", "not-an-ip"), settings) == "not-an-ip"
