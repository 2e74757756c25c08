"""Reading rate-limit headers, and keeping a test's requests inside one window."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

import httpx


async def wait_inside_windows(periods: tuple[int, ...], margin: float = 5.0) -> None:
    """Sleep past any window boundary closer than ``margin`` seconds, so a test's requests all
    fall into the same windows."""
    now = time.time()
    wait = max((margin - (p - now % p) for p in periods), default=0.0)
    if wait > 0:
        await asyncio.sleep(wait + 0.05)


def rl(resp: httpx.Response) -> tuple[int, int, int, int, int]:
    h = resp.headers
    return (
        int(h["x-ratelimit-limit"]),
        int(h["x-ratelimit-period"]),
        int(h["x-ratelimit-remaining"]),
        int(h["x-ratelimit-reset"]),
        int(h["x-ratelimit-reset-seconds-remaining"]),
    )


def ietf(resp: httpx.Response) -> dict[str, tuple[int, int]]:
    """``RateLimit`` parsed into {policy name: (r, t)}."""
    items = [i.strip() for i in resp.headers["ratelimit"].split(",")]
    parsed: dict[str, tuple[int, int]] = {}
    for item in items:
        m = re.fullmatch(r'"(w\d+)";r=(\d+);t=(\d+)', item)
        assert m, item
        parsed[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return parsed


Build = Callable[..., Any]
