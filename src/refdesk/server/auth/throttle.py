"""Per-login throttle of password sign-in (on top of the per-IP rate limit of §8).

Every password attempt for a login name is counted before argon2 runs, in the rate limiter's
counter store (Redis when ``REFDESK_RATE_LIMIT_STORE_URL``/``REFDESK_REDIS_URL`` is set, so the
count is exact across processes and hosts; process memory otherwise). The rules
(``REFDESK_LOGIN_THROTTLE_RULES``, default ``5/60,20/3600,100/86400``) are epoch-aligned fixed
windows checked and incremented in one atomic step, which makes a back-off ladder: past 5
attempts in a minute the login is refused until the minute ends, past 20 in an hour until the
hour ends, past 100 in a day until the day ends. A refused attempt runs no argon2 and is not
counted, and concurrent guesses cannot overshoot the limits.

The key is the submitted name (lower-cased), HMAC-ed with the server pepper, whether or not an
account has it: unknown logins are throttled exactly like known ones, so the throttle does not
tell which logins exist, and the store never holds login names or e-mail addresses.
"""

from __future__ import annotations

import math
import time

from refdesk.server.config import parse_rate_limit_rules
from refdesk.server.counters import CounterStore, MemoryStore, StoreUnavailable
from refdesk.server.errors import RateLimited, ServiceUnavailable
from refdesk.server.runtime import Runtime


class LoginThrottle:
    """``namespace`` keeps separate counts for separate uses of the same rules: ``login``
    (sign-in) and ``reset`` (password-reset requests, ``accounts/password_resets.py``), so
    that asking for reset e-mails never locks the account's sign-in, nor the reverse."""

    def __init__(
        self,
        runtime: Runtime,
        store: CounterStore,
        namespace: str = "login",
        refusal: str = "Too many sign-in attempts for this login",
    ) -> None:
        self.hasher = runtime.hasher
        self.rules = parse_rate_limit_rules(runtime.settings.login_throttle_rules)
        self.store = store
        self.namespace = namespace
        self.refusal = refusal

    def key(self, login: str) -> str:
        name = login.strip().lower()
        return f"{self.namespace}:" + self.hasher.hash(f"{self.namespace}-throttle:{name}")

    async def admit(self, login: str) -> None:
        """Count one attempt for ``login``; raise 429 (with ``Retry-After``) when a rule is
        exhausted, 503 when the shared store is unreachable."""
        now = time.time()
        try:
            admission = await self.store.hit(self.key(login), self.rules, now)
        except StoreUnavailable as exc:
            # 503 with Retry-After (the settings' unavailable_retry_after, see api/errors.py)
            raise ServiceUnavailable(
                "The sign-in throttle store is unreachable; try again later"
            ) from exc
        if admission.admitted:
            return
        # Refused until every exhausted window has ended.
        retry = max(
            window_remaining(rule.period, now)
            for rule, count in zip(self.rules, admission.counts, strict=True)
            if count >= rule.limit
        )
        raise RateLimited(retry, f"{self.refusal}; retry in {retry} seconds")


def window_remaining(period: int, now: float) -> int:
    """Seconds until the current window of ``period`` ends (at least 1)."""
    reset = (int(now // period) + 1) * period
    return max(1, math.ceil(reset - now))


def _throttle(runtime: Runtime, namespace: str, refusal: str) -> LoginThrottle:
    """The runtime's throttle of ``namespace``, sharing the rate limiter's store (built on
    first use)."""
    name = f"{namespace}_throttle"
    throttle = runtime.extras.get(name)
    if throttle is None:
        limiter = runtime.extras.get("rate_limiter")
        store: CounterStore = limiter.store if limiter is not None else MemoryStore()
        throttle = runtime.extras[name] = LoginThrottle(runtime, store, namespace, refusal)
    assert isinstance(throttle, LoginThrottle)
    return throttle


def login_throttle(runtime: Runtime) -> LoginThrottle:
    """Password sign-in attempts per login name."""
    return _throttle(runtime, "login", "Too many sign-in attempts for this login")


def reset_throttle(runtime: Runtime) -> LoginThrottle:
    """Password-reset requests per submitted login or e-mail (same rules as sign-in)."""
    return _throttle(runtime, "reset", "Too many password-reset requests for this login")
