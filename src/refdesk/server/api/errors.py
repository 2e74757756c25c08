"""The one mapping from errors to HTTP status + JSON error body (contract §4)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.types import Receive, Scope, Send

from refdesk.server import errors as domain
from refdesk.server.api.media import JSON_CT
from refdesk.server.api.origin import base_url
from refdesk.server.api.responses import ApiResponse, dumps, negotiation_of
from refdesk.server.auth.errors import OAuthError
from refdesk.server.config import Settings
from refdesk.server.logs import redact

log = logging.getLogger("refdesk.errors")

STATUS_OF: dict[str, int] = {
    "bad_request": 400,
    "invalid_token": 401,
    "payment_required": 402,
    "forbidden": 403,
    "insufficient_scope": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "not_acceptable": 406,
    "stale_lock_version": 409,
    "idempotency_key_in_use": 409,
    "unsupported_media_type": 415,
    "validation_failed": 422,
    "idempotency_key_reused": 422,
    "rate_limited": 429,
    "internal_error": 500,
    "maintenance": 503,
    "service_unavailable": 503,
    # OAuth (RFC 6749) codes; their status depends on the situation, these are defaults.
    "invalid_request": 400,
    "invalid_client": 401,
    "invalid_grant": 400,
    "unauthorized_client": 400,
    "unsupported_grant_type": 400,
    "invalid_scope": 400,
    "unsupported_token_type": 400,
    "unsupported_response_type": 400,
    "access_denied": 403,
}

TITLES: dict[str, str] = {
    "bad_request": "Bad request",
    "invalid_token": "Invalid access token",
    "payment_required": "Subscription inactive",
    "forbidden": "Forbidden",
    "insufficient_scope": "Insufficient scope",
    "not_found": "Not found",
    "method_not_allowed": "Method not allowed",
    "not_acceptable": "Not acceptable",
    "stale_lock_version": "Stale lock version",
    "idempotency_key_in_use": "Request in progress",
    "unsupported_media_type": "Unsupported media type",
    "validation_failed": "Validation failed",
    "idempotency_key_reused": "Idempotency key reused",
    "rate_limited": "Too many requests",
    "internal_error": "Internal server error",
    "maintenance": "Down for maintenance",
    "service_unavailable": "Service unavailable",
    "invalid_request": "Invalid request",
    "invalid_client": "Invalid client",
    "invalid_grant": "Invalid grant",
    "unauthorized_client": "Unauthorized client",
    "unsupported_grant_type": "Unsupported grant type",
    "invalid_scope": "Invalid scope",
    "unsupported_token_type": "Unsupported token type",
    "unsupported_response_type": "Unsupported response type",
    "access_denied": "Access denied",
}

DESCRIPTIONS: dict[str, str] = {
    "bad_request": "The request body, a header or a parameter could not be decoded.",
    "invalid_token": "The bearer token is missing, malformed, unknown, expired or revoked.",
    "payment_required": "The site's subscription is not active.",
    "forbidden": "The caller has no profile in the site or its roles do not allow the action.",
    "insufficient_scope": "The access token lacks a scope the request needs.",
    "not_found": "No such path or record.",
    "method_not_allowed": "The path exists but does not support the method; see Allow.",
    "not_acceptable": "The Accept header admits none of the supported media types.",
    "stale_lock_version": "The lock_version sent is not the stored one; reload and retry.",
    "idempotency_key_in_use": "A request with this Idempotency-Key is still executing.",
    "unsupported_media_type": "The request body's Content-Type is not supported.",
    "validation_failed": "One or more fields or parameters are invalid; see errors.",
    "idempotency_key_reused": "The Idempotency-Key was used with a different request.",
    "rate_limited": "A rate-limit window is exhausted; see Retry-After.",
    "internal_error": "An unexpected failure; quote the incident id.",
    "maintenance": "The server is in maintenance mode; see Retry-After.",
    "service_unavailable": "The database or rate-limit store is unreachable; see Retry-After.",
}
OAUTH_CODES = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "unsupported_token_type",
        "unsupported_response_type",
        "access_denied",
    }
)


def error_body(
    scope: Scope,
    settings: Settings,
    code: str,
    message: str,
    status: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    status = status or STATUS_OF[code]
    body: dict[str, Any] = {
        "error": code,
        "message": message,
        "type": f"{base_url(scope, settings)}/problems/{code}",
        "title": TITLES.get(code, code.replace("_", " ").capitalize()),
        "status": status,
        "detail": message,
    }
    if extra:
        body.update(extra)
    return body


def is_oauth_path(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/oauth/")


def error_content_type(scope: Scope, code: str) -> str:
    if code == "not_acceptable" or is_oauth_path(scope):
        return JSON_CT
    negotiation = negotiation_of(scope)
    return negotiation.error_content_type if negotiation.acceptable else JSON_CT


def error_response(
    scope: Scope,
    settings: Settings,
    code: str,
    message: str,
    status: int | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ApiResponse:
    body = error_body(scope, settings, code, message, status, extra)
    if is_oauth_path(scope):
        body["error_description"] = message
    return ApiResponse(
        body,
        status_code=body["status"],
        headers=dict(headers or {}),
        media_type=error_content_type(scope, code),
    )


async def send_error(
    scope: Scope,
    receive: Receive,
    send: Send,
    settings: Settings,
    code: str,
    message: str,
    *,
    status: int | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Answer an ASGI request with the error body (for pure-ASGI middleware)."""
    response = error_response(scope, settings, code, message, status, extra, headers)
    await response(scope, receive, send)


def domain_error_response(scope: Scope, settings: Settings, exc: domain.DomainError) -> ApiResponse:
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    status: int | None = None
    if isinstance(exc, OAuthError):
        status = exc.status
        headers.update(exc.headers)
    elif isinstance(exc, domain.RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
        extra["retry_after"] = exc.retry_after
    elif isinstance(exc, domain.ValidationFailed):
        extra["errors"] = exc.errors
    elif isinstance(exc, domain.Conflict):
        extra["lock_version"] = exc.current_lock_version
    elif isinstance(exc, domain.PaymentRequired):
        extra["site_id"] = exc.site_id
    elif isinstance(exc, domain.ServiceUnavailable):
        headers["Retry-After"] = str(settings.unavailable_retry_after)
    return error_response(scope, settings, exc.code, exc.message, status, extra, headers)


def internal_error_response(scope: Scope, settings: Settings, exc: BaseException) -> ApiResponse:
    incident = log_incident(scope, exc)
    return error_response(
        scope,
        settings,
        "internal_error",
        f"An unexpected error occurred; quote incident {incident} when reporting it",
        extra={"incident": incident},
    )


def log_incident(scope: Scope, exc: BaseException) -> str:
    """Log an unexpected exception (query redacted) under a new incident id, and return it."""
    incident = str(uuid.uuid4())
    query = scope.get("query_string", b"").decode("latin-1")
    log.error(
        "incident %s: unhandled %s on %s %s%s",
        incident,
        type(exc).__name__,
        scope.get("method"),
        scope.get("path"),
        f"?{redact(query)}" if query else "",
        exc_info=exc,
    )
    return incident


def problem_document(scope: Scope, settings: Settings, code: str) -> dict[str, Any] | None:
    if code not in STATUS_OF:
        return None
    return {
        "type": f"{base_url(scope, settings)}/problems/{code}",
        "error": code,
        "title": TITLES[code],
        "status": STATUS_OF[code],
        "description": DESCRIPTIONS.get(code, f"OAuth 2.0 error {code} (RFC 6749)."),
    }


def json_error_bytes(body: dict[str, Any]) -> bytes:
    return dumps(body)


class ApiError(Exception):
    """A wire-level failure (406, 415, 401, 403 scope, 405, OAuth errors) with its headers."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_OF[code]
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def response(self, scope: Scope, settings: Settings) -> ApiResponse:
        return error_response(
            scope, settings, self.code, self.message, self.status, self.extra, self.headers
        )
