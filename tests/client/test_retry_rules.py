"""The pure retry and pacing rules (``_retry``), without a server: which requests may be
retried, how long to wait, and where the bounds stop it."""

from __future__ import annotations

import random

import httpx

from refdesk.client import RetryPolicy
from refdesk.client._core import Call
from refdesk.client._errors import error_from_response
from refdesk.client._retry import (
    Pacer,
    backoff,
    retry_after_error,
    retry_after_transport_error,
)

POLICY = RetryPolicy(max_attempts=5, max_total_time=100.0, backoff_base=1.0, backoff_max=8.0)
GET = Call("GET", "sites")


def _response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("GET", "https://x/"))


def test_only_safe_methods_and_keyed_posts_are_retryable() -> None:
    assert GET.retryable and Call("HEAD", "x").retryable and Call("OPTIONS", "x").retryable
    assert Call("POST", "x", idempotency_key="k").retryable
    for unsafe in (Call("POST", "x"), Call("PUT", "x"), Call("PATCH", "x"), Call("DELETE", "x")):
        assert not unsafe.retryable
        assert retry_after_error(unsafe, _response(503), POLICY, 1, 0.0, random.Random()) is None
        assert retry_after_transport_error(unsafe, POLICY, 1, 0.0, random.Random()) is None


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    rng = random.Random(7)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        for _ in range(20):
            assert ceiling / 2 <= backoff(POLICY, attempt, rng) <= ceiling


def test_429_waits_for_the_reset_and_the_bounds_hold() -> None:
    rng = random.Random(1)
    limited = _response(429, **{"X-Ratelimit-Reset-Seconds-Remaining": "12", "Retry-After": "12"})
    retry = retry_after_error(GET, limited, POLICY, 1, 0.0, rng)
    assert retry is not None and 12 < retry.delay < 12.5
    only_retry_after = _response(429, **{"Retry-After": "3"})
    retry = retry_after_error(GET, only_retry_after, POLICY, 1, 0.0, rng)
    assert retry is not None and 3 < retry.delay < 3.5
    # Past the attempt bound, or a wait that would pass the time bound: give up.
    assert retry_after_error(GET, limited, POLICY, 5, 0.0, rng) is None
    assert retry_after_error(GET, limited, POLICY, 1, 90.0, rng) is None
    off = RetryPolicy(retry_on_rate_limit=False)
    assert retry_after_error(GET, limited, off, 1, 0.0, rng) is None


def test_gateway_statuses_back_off_and_others_do_not_retry() -> None:
    rng = random.Random(2)
    for status in (502, 503, 504):
        retry = retry_after_error(GET, _response(status), POLICY, 1, 0.0, rng)
        assert retry is not None and 0.5 <= retry.delay <= 1.0
    # A Retry-After on 503 is honoured up to backoff_max.
    retry = retry_after_error(GET, _response(503, **{"Retry-After": "300"}), POLICY, 1, 0.0, rng)
    assert retry is not None and retry.delay == 8.0
    for status in (400, 401, 403, 404, 409, 422, 500):
        assert retry_after_error(GET, _response(status), POLICY, 1, 0.0, rng) is None


def test_pacer_waits_for_the_reset_when_the_budget_is_spent() -> None:
    pacer = Pacer()
    assert pacer.delay(0.0) == 0.0  # nothing known yet
    headers = {
        "X-Ratelimit-Limit": "100",
        "X-Ratelimit-Remaining": "50",
        "X-Ratelimit-Reset-Seconds-Remaining": "30",
    }
    pacer.observe(_response(200, **headers), now=100.0)
    assert pacer.delay(100.0) == 0.0  # plenty left
    headers["X-Ratelimit-Remaining"] = "4"
    pacer.observe(_response(200, **headers), now=100.0)
    assert pacer.delay(105.0) == 5.0  # 25 s left for 4 requests: spread them out
    headers["X-Ratelimit-Remaining"] = "0"
    pacer.observe(_response(200, **headers), now=100.0)
    assert 20.0 < pacer.delay(110.0) <= 20.2  # wait for the window to reset
    assert pacer.delay(131.0) == 0.0
    pacer.observe(_response(200), now=200.0)  # no headers (not every server sends them)
    assert pacer.delay(200.0) == 0.0


def test_redirects_explain_themselves() -> None:
    error = error_from_response(_response(302, Location="https://refdesk.example.org/api/v2/sites"))
    assert error.status == 302 and "https://refdesk.example.org/api/v2/sites" in error.message
