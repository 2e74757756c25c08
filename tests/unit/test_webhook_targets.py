"""The SSRF rules of webhook targets (contract §18.7, ``webhooks/targets.py``): https only
unless ``webhook_allow_http``; no loopback, private, link-local, shared, reserved, multicast
or unspecified address (literal, IPv4-mapped, or what a name resolves to) unless
``webhook_allow_private``; no userinfo, no bad ports."""

from __future__ import annotations

from typing import Any

import pytest

from refdesk.server.config import Settings
from refdesk.server.webhooks.targets import (
    TargetRefused,
    resolve,
    syntax_problem,
    target_problem,
)


def settings(**overrides: Any) -> Settings:
    return Settings(database_url="sqlite+aiosqlite://", secret_key="unit", **overrides)


STRICT = settings()
LOOSE = settings(webhook_allow_http=True, webhook_allow_private=True)

REFUSED_ADDRESSES = [
    "127.0.0.1",  # loopback
    "127.255.255.254",
    "10.0.0.1",  # private
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",  # link-local (cloud metadata)
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "0.0.0.0",  # unspecified
    "192.0.2.10",  # documentation (TEST-NET-1)
    "198.18.0.1",  # benchmarking
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",  # broadcast
    "[::1]",
    "[::]",
    "[fe80::1]",
    "[fc00::1]",  # unique local
    "[2001:db8::1]",  # documentation
    "[ff02::1]",  # multicast
    "[::ffff:127.0.0.1]",  # IPv4-mapped loopback
    "[::ffff:10.1.2.3]",  # IPv4-mapped private
    "[::ffff:169.254.169.254]",
    # IPv6 forms that carry a non-public IPv4 address, and deprecated site-local.
    "[::127.0.0.1]",  # IPv4-compatible loopback
    "[::7f00:1]",
    "[::ffff:0:127.0.0.1]",  # SIIT IPv4-translated
    "[64:ff9b::127.0.0.1]",  # NAT64 well-known prefix
    "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254
    "[2002:7f00:1::1]",  # 6to4 of 127.0.0.1
    "[2002:c0a8:101::1]",  # 6to4 of 192.168.1.1
    "[fec0::1]",  # site-local
]
PUBLIC_ADDRESSES = [
    "93.184.216.34",
    "8.8.8.8",
    "[2606:4700:4700::1111]",
    "[::ffff:8.8.4.4]",
    "[64:ff9b::808:808]",  # NAT64 of 8.8.8.8
    "[2002:808:808::1]",  # 6to4 of 8.8.8.8
]


@pytest.mark.parametrize("host", REFUSED_ADDRESSES)
async def test_non_public_literals_are_refused_unless_allowed(host: str) -> None:
    url = f"https://{host}/hook"
    assert syntax_problem(url, STRICT) is None
    with pytest.raises(TargetRefused) as refused:
        await resolve(url, STRICT)
    assert refused.value.reason == "private"
    assert await target_problem(url, STRICT) == "is invalid"
    assert await target_problem(url, LOOSE) is None


@pytest.mark.parametrize("host", PUBLIC_ADDRESSES)
async def test_public_literals_are_allowed(host: str) -> None:
    url = f"https://{host}:8443/hook?x=1"
    assert len(await resolve(url, STRICT)) == 1
    assert await target_problem(url, STRICT) is None


async def test_http_only_with_the_setting() -> None:
    url = "http://93.184.216.34/hook"
    assert syntax_problem(url, STRICT) == "http"
    assert await target_problem(url, STRICT) == "is invalid"
    assert await target_problem(url, settings(webhook_allow_http=True)) is None
    # Allowing http does not allow private addresses, and the reverse.
    assert await target_problem("http://10.0.0.1/", settings(webhook_allow_http=True)) == (
        "is invalid"
    )
    assert await target_problem("http://10.0.0.1/", settings(webhook_allow_private=True)) == (
        "is invalid"
    )


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://",
        "https:///path",
        "hooks.example.org/x",  # no scheme
        "ftp://93.184.216.34/x",
        "file:///etc/passwd",
        "gopher://93.184.216.34/",
        "https://user@93.184.216.34/x",  # userinfo
        "https://user:secret@93.184.216.34/x",
        "https://:secret@93.184.216.34/x",
        "https://93.184.216.34:99999/x",  # port out of range
        "https://93.184.216.34:port/x",
        "https://93.184.216.34:-1/x",
        "https://93.184.216.34:0/x",
        "https://93.184.216.34/a b",  # whitespace
        "https://93.184.216.34/\tx",
        "https://93.184.216.34/\x7f",  # control characters (httpx refuses them at send time)
        "https://93.184.216.34/\x01x",
        "https://93.184.216.34/\u200bx",  # zero-width space (a format character)
        "https://93.184.216.34/" + "x" * 2000,  # longer than 2000
    ],
)
async def test_malformed_targets_are_invalid(url: str) -> None:
    assert syntax_problem(url, LOOSE) is not None
    assert await target_problem(url, LOOSE) == "is invalid"


async def test_names_are_judged_by_what_they_resolve_to() -> None:
    with pytest.raises(TargetRefused) as refused:
        await resolve("https://localhost:9000/hook", STRICT)
    assert refused.value.reason == "private"
    assert await target_problem("https://localhost/hook", STRICT) == "is invalid"
    # Shorthand and decimal IPv4 forms are names to the parser, but resolve to loopback.
    for host in ("LocalHost", "127.1", "2130706433", "0x7f000001"):
        assert await target_problem(f"https://{host}/hook", STRICT) == "is invalid", host
    addresses = await resolve("http://localhost:9000/hook", LOOSE)
    assert any(str(a) in ("127.0.0.1", "::1") for a in addresses)


async def test_a_name_that_does_not_resolve_is_accepted_now_and_refused_at_delivery() -> None:
    url = "https://refdesk-test.invalid/hook"  # .invalid never resolves (RFC 6761)
    assert await target_problem(url, STRICT) is None
    with pytest.raises(TargetRefused) as refused:
        await resolve(url, STRICT)
    assert refused.value.reason == "unresolvable"
