"""Windowed counters shared by the API rate limiter (§8) and the sign-in throttle: the store
abstraction, free of the wire layer. ``api/ratelimit.py`` re-exports these names."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from refdesk.server.config import RateLimitRule


class StoreUnavailable(Exception):
    """The shared counter store could not be reached."""


@dataclass(frozen=True)
class Admission:
    admitted: bool
    counts: tuple[int, ...]  # per rule, after this request (unchanged when rejected)
    # The shared store's count of token invalidations, when asked for (auth/token_bus.py).
    epoch: int | None = None


class CounterStore(Protocol):
    async def hit(self, key: str, rules: tuple[RateLimitRule, ...], now: float) -> Admission: ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...


class MemoryStore:
    """Counters in process memory: exact for one process only."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int, int], int] = {}
        self._lock = asyncio.Lock()
        self._last_sweep = 0.0

    async def hit(self, key: str, rules: tuple[RateLimitRule, ...], now: float) -> Admission:
        async with self._lock:
            self._sweep(now, rules)
            slots = [(key, r.period, int(now // r.period)) for r in rules]
            counts = [self._counts.get(s, 0) for s in slots]
            if any(c >= r.limit for c, r in zip(counts, rules, strict=True)):
                return Admission(False, tuple(counts))
            for slot in slots:
                self._counts[slot] = self._counts.get(slot, 0) + 1
            return Admission(True, tuple(c + 1 for c in counts))

    def _sweep(self, now: float, rules: tuple[RateLimitRule, ...]) -> None:
        if now - self._last_sweep < 60:
            return
        self._last_sweep = now
        self._counts = {(k, p, w): c for (k, p, w), c in self._counts.items() if w >= int(now // p)}

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None
