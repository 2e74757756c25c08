"""Exceptions raised by the SDK, one class per status family of the contract (§4).

The hierarchy::

    RefdeskError                    base of everything the SDK raises
    ├── ConfigurationError          missing or inconsistent client configuration
    ├── TransportError              network, TLS or timeout failure (wraps httpx.TransportError)
    └── APIError                    the server answered with a non-2xx status
        ├── BadRequest              400 (also OAuth invalid_request, invalid_grant, ...)
        ├── Unauthorized            401 invalid_token, OAuth invalid_client
        ├── PaymentRequired         402 — .site_id: the site whose subscription lapsed
        ├── Forbidden               403 forbidden, insufficient_scope
        ├── NotFound                404
        ├── Conflict                409 — .lock_version: the server's current value (or None)
        ├── ValidationError         422 — .errors: field name -> list of messages
        ├── RateLimited             429 — .retry_after: seconds until the window resets
        └── ServerError             5xx
            └── ServiceUnavailable  503 (maintenance, store down) — .retry_after

Statuses without a class of their own (405, 406, 415, ...) raise ``APIError`` itself.
Every ``APIError`` carries ``status``, ``code`` (the body's ``error``), ``message``, the decoded
``body`` and the ``response``.
"""

from __future__ import annotations

import json
from typing import Any

import httpx


class RefdeskError(Exception):
    """Base class of every exception the SDK raises."""


class ConfigurationError(RefdeskError):
    """The client is missing a base URL or credentials, or they contradict each other."""


class TransportError(RefdeskError):
    """The request did not get an HTTP answer (connection refused, TLS failure, timeout)."""

    def __init__(self, message: str, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIError(RefdeskError):
    """The server answered with a non-2xx status; the body follows contract §4.2."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        body: dict[str, Any] | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.body: dict[str, Any] = body or {}
        self.response = response

    @property
    def request_id(self) -> str | None:
        """The server's ``X-Request-Id`` for this failure (quote it in bug reports)."""
        return self.response.headers.get("x-request-id") if self.response is not None else None


class BadRequest(APIError):
    """400: undecodable body, bad header, OAuth request errors."""


class Unauthorized(APIError):
    """401: missing, unknown, expired or revoked token; OAuth ``invalid_client``."""


class PaymentRequired(APIError):
    """402: the site's subscription is not active."""

    @property
    def site_id(self) -> int | None:
        value = self.body.get("site_id")
        return value if isinstance(value, int) else None


class Forbidden(APIError):
    """403: no profile in the site, a role that does not allow the action, or a missing scope."""


class NotFound(APIError):
    """404: unknown path or id."""


class Conflict(APIError):
    """409: stale ``lock_version`` (re-read and re-apply) or an idempotency key in flight."""

    @property
    def lock_version(self) -> int | None:
        value = self.body.get("lock_version")
        return value if isinstance(value, int) else None


class ValidationError(APIError):
    """422: field or parameter validation failed."""

    @property
    def errors(self) -> dict[str, list[str]]:
        value = self.body.get("errors")
        if not isinstance(value, dict):
            return {}
        return {
            str(k): [str(m) for m in v] if isinstance(v, list) else [str(v)]
            for k, v in value.items()
        }


def _seconds(response: httpx.Response | None, body: dict[str, Any]) -> int | None:
    if response is not None:
        for name in ("x-ratelimit-reset-seconds-remaining", "retry-after"):
            value = response.headers.get(name)
            if value is not None and value.strip().isdigit():
                return int(value.strip())
    value = body.get("retry_after")
    return value if isinstance(value, int) else None


class RateLimited(APIError):
    """429: the account's (or address's) request budget is spent until the window resets."""

    @property
    def retry_after(self) -> int | None:
        return _seconds(self.response, self.body)


class ServerError(APIError):
    """5xx: the server (or a gateway in front of it) failed."""


class ServiceUnavailable(ServerError):
    """503: maintenance mode, or the database / rate-limit store is unreachable."""

    @property
    def retry_after(self) -> int | None:
        if self.response is not None:
            value = self.response.headers.get("retry-after")
            if value is not None and value.strip().isdigit():
                return int(value.strip())
        return None


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: Unauthorized,
    402: PaymentRequired,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: ValidationError,
    429: RateLimited,
    503: ServiceUnavailable,
}


def error_class(status: int) -> type[APIError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return ServerError if status >= 500 else APIError


def error_from_response(response: httpx.Response) -> APIError:
    """Build the exception for a non-2xx response from its JSON error body (§4.2).

    Bodies that are not JSON objects (a proxy's HTML page, an empty body) still give a usable
    error: the code falls back to the status family and the message to the reason phrase."""
    body: dict[str, Any] = {}
    try:
        decoded = json.loads(response.content) if response.content else None
    except ValueError:
        decoded = None
    if isinstance(decoded, dict):
        body = decoded
    status = response.status_code
    code = body.get("error")
    if not isinstance(code, str) or not code:
        code = f"http_{status}"
    message = body.get("message") or body.get("error_description") or body.get("detail")
    location = response.headers.get("location")
    if 300 <= status < 400 and location:
        # Typically plain http:// to a server that only speaks HTTPS (contract §2.5).
        message = f"redirected to {location}; use that URL as the base URL"
    if not isinstance(message, str) or not message:
        text = response.text.strip() if not body else ""
        message = response.reason_phrase or f"HTTP {status}"
        if text and len(text) <= 200:
            message = f"{message}: {text}"
    return error_class(status)(status, code, message, body, response)
