"""Retry decisions and client-side pacing, without I/O (contract §8, §13).

Only safe methods (GET, HEAD, OPTIONS) and POSTs carrying an ``Idempotency-Key`` are retried:
429 after the server's reset time, 502/503/504 and transport failures after an exponential
backoff with jitter; attempts and total elapsed time are bounded by the ``RetryPolicy``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

from refdesk.client._config import RetryPolicy
from refdesk.client._core import Call
from refdesk.client._errors import RateLimited, error_from_response

BACKOFF_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class Retry:
    """Wait ``delay`` seconds, then send the call again."""

    delay: float


def _header_seconds(response: httpx.Response, *names: str) -> float | None:
    for name in names:
        value = response.headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value.strip())
        except ValueError:
            continue
        if seconds >= 0:
            return seconds
    return None


def backoff(policy: RetryPolicy, attempt: int, rng: random.Random) -> float:
    """Exponential backoff with full jitter for the ``attempt``-th retry (1-based)."""
    ceiling = min(policy.backoff_max, policy.backoff_base * (2 ** (attempt - 1)))
    return rng.uniform(ceiling / 2, ceiling)


def retry_after_error(
    call: Call,
    response: httpx.Response,
    policy: RetryPolicy,
    attempt: int,
    elapsed: float,
    rng: random.Random,
) -> Retry | None:
    """Whether a failed answer deserves another attempt, and after how long.

    ``attempt`` is the number of attempts made so far; ``elapsed`` the time since the first
    one started. None means: raise the error now."""
    status = response.status_code
    if not call.retryable or attempt >= policy.max_attempts:
        return None
    if status == 429:
        if not policy.retry_on_rate_limit:
            return None
        delay = _header_seconds(response, "x-ratelimit-reset-seconds-remaining", "retry-after")
        if delay is None:
            error = error_from_response(response)
            seconds = error.retry_after if isinstance(error, RateLimited) else None
            delay = float(seconds) if seconds is not None else backoff(policy, attempt, rng)
        # A fraction of a second more, so the retry lands in the next window.
        delay += rng.uniform(0.05, 0.25)
    elif status in BACKOFF_STATUSES:
        delay = backoff(policy, attempt, rng)
        hinted = _header_seconds(response, "retry-after")
        if hinted is not None:
            delay = min(max(delay, hinted), policy.backoff_max)
    else:
        return None
    if elapsed + delay > policy.max_total_time:
        return None
    return Retry(delay)


def retry_after_transport_error(
    call: Call, policy: RetryPolicy, attempt: int, elapsed: float, rng: random.Random
) -> Retry | None:
    if not call.retryable or attempt >= policy.max_attempts:
        return None
    delay = backoff(policy, attempt, rng)
    if elapsed + delay > policy.max_total_time:
        return None
    return Retry(delay)


class Pacer:
    """Optional client-side pacing from ``X-Ratelimit-*`` (§8.5): when the budget of the
    described window is nearly spent, spread the remaining requests over the rest of the
    window, and when it is spent, wait for the window to reset instead of earning a 429.

    Times are on the caller's monotonic clock."""

    def __init__(self, reserve: int = 0, spread_below: float = 0.1) -> None:
        self.reserve = reserve
        self.spread_below = spread_below
        self.remaining: int | None = None
        self.limit: int | None = None
        self.window_end: float | None = None

    def observe(self, response: httpx.Response, now: float) -> None:
        headers = response.headers
        try:
            remaining = int(headers["x-ratelimit-remaining"])
            reset_in = float(headers["x-ratelimit-reset-seconds-remaining"])
        except (KeyError, ValueError):
            return
        try:
            self.limit = int(headers.get("x-ratelimit-limit", ""))
        except ValueError:
            self.limit = None
        self.remaining = remaining
        self.window_end = now + reset_in

    def delay(self, now: float) -> float:
        """Seconds to wait before the next request (and count it as sent)."""
        if self.remaining is None or self.window_end is None:
            return 0.0
        left = self.window_end - now
        if left <= 0:
            self.remaining = None
            return 0.0
        wait = 0.0
        if self.remaining <= self.reserve:
            wait = left + 0.1
            self.remaining = None  # a new window starts; the next answer tells its budget
            return wait
        if self.limit and self.remaining < self.limit * self.spread_below:
            wait = left / (self.remaining + 1)
        self.remaining -= 1
        return wait
