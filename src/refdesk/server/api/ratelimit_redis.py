"""Shared rate-limit counters in Redis (contract §8.4): one Lua script checks every rule's window
counter and, only when all are below their limits, increments all of them — one atomic step, so
no window ever admits more than ``limit`` requests however many processes share the store.

Clock: the window index ``floor(now / period)`` is computed from the calling process's
``time.time()`` (the same ``now`` the headers are computed from), not from Redis' ``TIME``. That
keeps each response's headers consistent with the counters it was admitted against; processes on
one host share a clock, and NTP-synchronised hosts differ by far less than a window, so at worst a
request at the very edge of a window is counted in the neighbouring one.
"""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from refdesk.server.config import RateLimitRule
from refdesk.server.counters import Admission, StoreUnavailable

# KEYS[i]: the counter of rule i in its current window. ARGV[i]: rule i's limit;
# ARGV[n + i]: rule i's counter lifetime in seconds (set when the counter is created).
# Returns {admitted (0/1), count_1, ..., count_n} — counts after this request when admitted,
# unchanged when rejected. With ARGV[2n + 1] = 1, KEYS[n + 1] is the count of token
# invalidations (auth/token_bus.py), returned last (read in the same round trip).
_HIT = """
local n = #ARGV
local epoch = nil
if n % 2 == 1 then
  n = (n - 1) / 2
  epoch = tonumber(redis.call('GET', KEYS[n + 1]) or '0')
else
  n = n / 2
end
local counts = {}
local admitted = 1
for i = 1, n do
  local c = tonumber(redis.call('GET', KEYS[i]) or '0')
  counts[i] = c
  if c >= tonumber(ARGV[i]) then admitted = 0 end
end
if admitted == 1 then
  for i = 1, n do
    local c = redis.call('INCR', KEYS[i])
    if c == 1 then redis.call('EXPIRE', KEYS[i], tonumber(ARGV[n + i])) end
    counts[i] = c
  end
end
local result = {admitted}
for i = 1, n do result[i + 1] = counts[i] end
if epoch then result[n + 2] = epoch end
return result
"""

# Counters outlive their window by this much, so a slightly-behind clock still finds them.
EXPIRY_SLACK = 60
# Generous enough that a busy process (2 shared cores at a load of 10, CI) still reads a
# prompt answer in time: at 0.5 s such a process answered 503 to requests Redis had counted.
# A Redis that is down refuses connections at once; only a black-holed one waits this long.
SOCKET_TIMEOUT = 2.0
# An upper bound for one admission, retries included.
CALL_TIMEOUT = 3.0

_FAILURES: tuple[type[BaseException], ...] = (RedisError, OSError, asyncio.TimeoutError)


class RedisStore:
    """Counters shared by every process through Redis; keys ``{prefix}{<key>}:{period}:{window}``
    (the hash tag keeps one key's counters in one cluster slot)."""

    def __init__(self, url: str, prefix: str = "refdesk:rl:", epoch_key: str | None = None) -> None:
        self.prefix = prefix
        self.epoch_key = epoch_key
        # Retry once on a dropped connection (e.g. a stale pooled socket after a Redis restart);
        # never on a timeout, when the script may already have run.
        self._redis: Redis = Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
            health_check_interval=30,
        )
        self._hit = self._redis.register_script(_HIT)

    def _keys(self, key: str, rules: tuple[RateLimitRule, ...], now: float) -> list[str]:
        return [f"{self.prefix}{{{key}}}:{r.period}:{int(now // r.period)}" for r in rules]

    async def hit(self, key: str, rules: tuple[RateLimitRule, ...], now: float) -> Admission:
        keys = self._keys(key, rules, now)
        args = [r.limit for r in rules] + [r.period + EXPIRY_SLACK for r in rules]
        if self.epoch_key is not None:
            keys.append(self.epoch_key)
            args.append(1)
        try:
            async with asyncio.timeout(CALL_TIMEOUT):
                result: Any = await self._hit(keys=keys, args=args)
        except _FAILURES as exc:
            raise StoreUnavailable(f"rate-limit store: {type(exc).__name__}") from exc
        values = [int(v) for v in result]
        if self.epoch_key is not None:
            return Admission(values[0] == 1, tuple(values[1:-1]), values[-1])
        return Admission(values[0] == 1, tuple(values[1:]))

    async def ping(self) -> bool:
        try:
            async with asyncio.timeout(CALL_TIMEOUT):
                return bool(await self._redis.ping())
        except _FAILURES:
            return False

    async def close(self) -> None:
        await self._redis.aclose()
