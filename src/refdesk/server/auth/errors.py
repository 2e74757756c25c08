"""The OAuth 2.0 failures of the token, revocation and authorization endpoints (RFC 6749
§5.2, RFC 7009 §2.2.1), framework-free. ``api/errors.py`` renders them like every domain
error, with their own status and headers (``error_description`` is added on ``/oauth/*``)."""

from __future__ import annotations

from collections.abc import Mapping

from refdesk.server.errors import DomainError

BASIC_CHALLENGE = 'Basic realm="refdesk"'
BEARER_REALM = 'Bearer realm="refdesk"'


class OAuthError(DomainError):
    """An RFC 6749 error code with its status (400 unless told) and response headers."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.headers = dict(headers or {})


def invalid_request(message: str) -> OAuthError:
    return OAuthError("invalid_request", message)


def invalid_grant(message: str) -> OAuthError:
    return OAuthError("invalid_grant", message)


def invalid_scope(message: str) -> OAuthError:
    return OAuthError("invalid_scope", message)


def invalid_client(message: str, *, basic: bool) -> OAuthError:
    headers = {"WWW-Authenticate": BASIC_CHALLENGE} if basic else None
    return OAuthError("invalid_client", message, status=401, headers=headers)


class InsufficientScope(OAuthError):
    """The access token lacks a scope the request needs (RFC 6750 §3.1, contract §6.6)."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        scope = " ".join(missing)
        super().__init__(
            "insufficient_scope",
            f"The access token lacks the {scope} scope",
            status=403,
            headers={
                "WWW-Authenticate": f'{BEARER_REALM}, error="insufficient_scope", scope="{scope}"'
            },
        )
