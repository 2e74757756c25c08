"""Pure ASGI rate limiting (contract §8): three epoch-aligned fixed windows, counted per acting
account (valid bearer token) or client IP, admitted atomically across all rules."""

from __future__ import annotations

import logging
import math
import time
from http.cookies import CookieError, SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from refdesk.server.api.bearer import recheck, resolve
from refdesk.server.api.common import is_api_path
from refdesk.server.api.errors import internal_error_response, send_error
from refdesk.server.api.origin import client_ip
from refdesk.server.auth import browser_session
from refdesk.server.auth.token_bus import EPOCH_KEY
from refdesk.server.config import RateLimitRule
from refdesk.server.counters import Admission, CounterStore, MemoryStore, StoreUnavailable
from refdesk.server.db.shared_session import release_read_session
from refdesk.server.runtime import Runtime

log = logging.getLogger("refdesk.ratelimit")
# Non-API paths the contract keys by client IP whatever the request carries (§8.3): OAuth
# endpoints, calendar feeds, web views, problem pages. The web app's pages (not in the
# contract) count a signed-in browser against its account instead.
COUNTED_BY_IP = ("/oauth/", "/calendar/", "/webview/", "/problems/")

__all__ = [
    "Admission",
    "CounterStore",
    "MemoryStore",
    "RateLimiter",
    "StoreUnavailable",
    "header_values",
    "make_store",
]


def make_store(url: str | None, epoch_key: str | None = None) -> CounterStore:
    if not url:
        return MemoryStore()
    from refdesk.server.api.ratelimit_redis import RedisStore

    return RedisStore(url, epoch_key=epoch_key)


def header_values(
    rules: tuple[RateLimitRule, ...],
    counts: tuple[int, ...],
    now: float,
    rejected: bool,
    describe: int | None = None,
) -> list[tuple[str, str]]:
    """The five X-Ratelimit-* headers for one rule, plus the IETF RateLimit-Policy / RateLimit
    fields listing every rule (§8.5, §8.6).

    ``counts`` are the per-rule counts after this request (unchanged when it was rejected).
    The described rule is the one with the fewest remaining; ties go to the one whose window
    resets last. ``describe`` forces a rule by index (rule 1 when the store is unreachable).
    """
    described: list[tuple[int, int, RateLimitRule, int, int]] = []
    for rule, count in zip(rules, counts, strict=True):
        reset = (int(now // rule.period) + 1) * rule.period
        remaining = max(0, rule.limit - count)
        described.append((remaining, -reset, rule, reset, count))
    if describe is None:
        # Equal resets (a short window ending with a long one): the longer period.
        remaining, _, rule, reset, _ = min(described, key=lambda d: (d[0], d[1], -d[2].period))
    else:
        remaining, _, rule, reset, _ = described[describe]
    if rejected:
        remaining = 0
    return [
        ("X-Ratelimit-Limit", str(rule.limit)),
        ("X-Ratelimit-Period", str(rule.period)),
        ("X-Ratelimit-Remaining", str(remaining)),
        ("X-Ratelimit-Reset", str(reset)),
        ("X-Ratelimit-Reset-Seconds-Remaining", str(_seconds_until(reset, now, rule.period))),
        (
            "RateLimit-Policy",
            ", ".join(f'"w{r.period}";q={r.limit};w={r.period}' for r in rules),
        ),
        (
            "RateLimit",
            ", ".join(
                f'"w{r.period}";r={left};t={_seconds_until(rs, now, r.period)}'
                for left, _, r, rs, _ in described
            ),
        ),
    ]


def _seconds_until(reset: int, now: float, period: int) -> int:
    """``reset - now`` rounded up, kept within 1 … period."""
    return max(1, min(period, math.ceil(reset - now)))


class RateLimiter:
    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self.settings = runtime.settings
        self.rules = runtime.settings.rules
        # With a shared store each admission also reads how many token invalidations the
        # store has counted, to check a cached principal against (api/bearer.py).
        self.store: CounterStore = make_store(
            runtime.settings.effective_rate_limit_store_url, EPOCH_KEY
        )
        runtime.extras["rate_limiter"] = self
        if runtime.settings.effective_rate_limit_store_url:
            runtime.extras["rate_limit_store_check"] = self.store.ping
        elif runtime.settings.workers > 1:
            log.warning(
                "%d workers and no shared rate-limit store: limits are counted per process; "
                "set REFDESK_RATE_LIMIT_STORE_URL to a Redis URL",
                runtime.settings.workers,
            )

    async def close(self) -> None:
        await self.store.close()

    async def key_for(self, scope: Scope) -> str:
        """The acting account for a valid bearer token on an API path, or for a signed-in
        person's browser session on the web app's paths (so that people behind one address —
        an office, a club house — do not share one budget, and a board refreshing itself
        counts against its own user); else the client IP (OAuth endpoints, feeds, web views,
        problem pages, visitors, no or invalid token — §8.3)."""
        path = str(scope["path"])
        if not is_api_path(path):
            if path.startswith(COUNTED_BY_IP):
                return f"ip:{client_ip(scope, self.settings)}"
            account_id = self._browser_account(scope)
            if account_id is not None:
                return f"account:{account_id}"
            return f"ip:{client_ip(scope, self.settings)}"
        try:
            result = await resolve(
                scope, self.runtime.db, self.runtime.hasher, self.runtime.tokens.cache
            )
        except Exception:
            # Database unreachable: fall back to the client IP (§8.3); auth re-tries later,
            # on a fresh session.
            scope.setdefault("state", {}).pop("bearer", None)
            if not await release_read_session(scope):
                self.runtime.flags.mark_unreachable()
        else:
            if result.principal is not None:
                return f"account:{result.principal.account_id}"
        return f"ip:{client_ip(scope, self.settings)}"

    def _browser_account(self, scope: Scope) -> int | None:
        """The account of a validly signed, unexpired ``refdesk_session`` cookie (no database
        read: forging one needs the secret key; a session ended by a password change still
        counts against its own account until it expires)."""
        for name, value in scope.get("headers", ()):
            if name == b"cookie" and browser_session.COOKIE.encode() in value:
                cookies = SimpleCookie()
                try:
                    cookies.load(value.decode("latin-1"))
                except CookieError:
                    return None
                morsel = cookies.get(browser_session.COOKIE)
                found = browser_session.decode(
                    self.runtime.hasher, morsel.value if morsel else None
                )
                return found.account_id if found is not None else None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            await self._limited(scope, receive, send)
        finally:
            # The read session shared by authentication and the endpoint ends here.
            if not await release_read_session(scope):
                self.runtime.flags.mark_unreachable()

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = await self.key_for(scope)
        # The app's clock, for the window index and the headers alike (see ratelimit_redis).
        now = time.time()
        try:
            admission = await self.store.hit(key, self.rules, now)
        except StoreUnavailable as exc:
            log.error("rate-limit store unreachable: %s", exc)
            await self._unavailable(scope, receive, send, now)
            return
        recheck(scope, self.runtime.tokens.cache, admission.epoch)
        values = header_values(self.rules, admission.counts, now, not admission.admitted)
        if not admission.admitted:
            headers = dict(values)
            retry = headers["X-Ratelimit-Reset-Seconds-Remaining"]
            headers["Retry-After"] = retry
            await send_error(
                scope,
                receive,
                send,
                self.settings,
                "rate_limited",
                f"Rate limit exceeded; retry in {retry} seconds",
                headers=headers,
                extra={"retry_after": int(retry)},
            )
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in values:
                    headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            if started:
                raise
            # An inner middleware failed before answering: the 500 carries the headers too.
            response = internal_error_response(scope, self.settings, exc)
            await response(scope, receive, send_with_headers)

    async def _unavailable(self, scope: Scope, receive: Receive, send: Send, now: float) -> None:
        """503 when the counters cannot be read: rule 1 described as exhausted until its window
        ends, every rule listed with nothing remaining (§8.5, §20 item 36)."""
        limits = tuple(rule.limit for rule in self.rules)
        headers = dict(header_values(self.rules, limits, now, rejected=True, describe=0))
        headers["Retry-After"] = headers["X-Ratelimit-Reset-Seconds-Remaining"]
        await send_error(
            scope,
            receive,
            send,
            self.settings,
            "service_unavailable",
            "The rate-limit store is unreachable; try again later",
            headers=headers,
        )
