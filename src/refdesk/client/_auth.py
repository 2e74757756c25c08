"""OAuth 2.0 for the SDK, without I/O (contract §6): token caching and renewal, the requests
for the client-credentials, authorization-code and refresh-token grants, and PKCE.

The client asks :class:`TokenManager` for a bearer token before every request; when it has
none (or it is about to expire) the manager hands back the token request to send, and parses
the answer. Renewal uses the refresh token when there is one, else client credentials.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from refdesk.client._errors import ConfigurationError, RefdeskError, error_from_response

# Renew this many seconds before the server says the token expires (clock skew, slow calls).
DEFAULT_RENEW_MARGIN = 60.0


@dataclass
class Token:
    """A bearer token as the token endpoint returned it.

    ``expires_at`` is on this process's monotonic clock; use :meth:`to_dict` /
    :meth:`from_dict` to keep a refresh token between runs."""

    access_token: str
    token_type: str = "Bearer"
    expires_at: float | None = None
    refresh_token: str | None = None
    scope: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:  # never print secrets
        return f"Token(token_type={self.token_type!r}, scope={self.scope!r})"

    @property
    def authorization(self) -> str:
        # Clients in the wild build "token_type + ' ' + access_token"; normalise the case.
        kind = "Bearer" if self.token_type.lower() == "bearer" else self.token_type
        return f"{kind} {self.access_token}"

    def expires_in(self, now: float | None = None) -> float | None:
        if self.expires_at is None:
            return None
        return self.expires_at - (time.monotonic() if now is None else now)

    def to_dict(self) -> dict[str, Any]:
        remaining = self.expires_in()
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": int(remaining) if remaining is not None else None,
            "refresh_token": self.refresh_token,
            "scope": self.scope,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], now: float | None = None) -> Token:
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            raise RefdeskError("token response has no access_token")
        expires_in = data.get("expires_in")
        start = time.monotonic() if now is None else now
        expires_at = start + float(expires_in) if isinstance(expires_in, int | float) else None
        refresh = data.get("refresh_token")
        scope = data.get("scope")
        token_type = data.get("token_type")
        return cls(
            access_token=access,
            token_type=token_type if isinstance(token_type, str) and token_type else "Bearer",
            expires_at=expires_at,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            scope=scope if isinstance(scope, str) else None,
            raw=dict(data),
        )


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class PKCE:
    """A PKCE verifier and its S256 challenge (RFC 7636)."""

    verifier: str
    challenge: str
    method: str = "S256"

    @classmethod
    def generate(cls) -> PKCE:
        verifier = _b64url(secrets.token_bytes(48))  # 64 characters, within 43..128
        return cls.from_verifier(verifier)

    @classmethod
    def from_verifier(cls, verifier: str) -> PKCE:
        if not 43 <= len(verifier) <= 128:
            raise ConfigurationError("a PKCE verifier has 43 to 128 characters")
        return cls(verifier, _b64url(hashlib.sha256(verifier.encode("ascii")).digest()))


def authorization_url(
    authorize_url: str,
    client_id: str,
    redirect_uri: str,
    *,
    scope: str | None = None,
    state: str | None = None,
    pkce: PKCE | None = None,
) -> str:
    """The URL to send the resource owner's browser to (§6.4)."""
    params: dict[str, str] = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
    }
    if scope:
        params["scope"] = scope
    if state:
        params["state"] = state
    if pkce is not None:
        params["code_challenge"] = pkce.challenge
        params["code_challenge_method"] = pkce.method
    return f"{authorize_url}?{urlencode(params)}"


def token_request(token_url: str, form: dict[str, str]) -> httpx.Request:
    """A token-endpoint POST with a form body (the one encoding every server accepts)."""
    return httpx.Request(
        "POST",
        token_url,
        data=form,
        headers={"Accept": "application/json"},
    )


def parse_token_response(response: httpx.Response, now: float | None = None) -> Token:
    if not response.is_success:
        raise error_from_response(response)
    try:
        data = json.loads(response.content)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise RefdeskError(f"token endpoint answered {response.status_code} without JSON")
    return Token.from_dict(data, now)


class TokenManager:
    """The client's bearer token: a fixed one, or one it fetches and renews itself."""

    def __init__(
        self,
        token_url: str,
        *,
        client_id: str | None,
        client_secret: str | None,
        scope: str | None,
        token: Token | None = None,
        renew_margin: float = DEFAULT_RENEW_MARGIN,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.token = token
        self.renew_margin = renew_margin

    @property
    def can_renew(self) -> bool:
        if self.token is not None and self.token.refresh_token and self.client_id:
            return True
        return bool(self.client_id and self.client_secret)

    def current(self, now: float | None = None) -> Token | None:
        """The cached token if it is usable (fixed tokens never expire client-side)."""
        token = self.token
        if token is None:
            return None
        remaining = token.expires_in(now)
        if remaining is not None and remaining <= self.renew_margin and self.can_renew:
            return None
        return token

    def invalidate(self) -> None:
        """Forget the access token (after a 401); a refresh token is kept for renewal."""
        if self.token is not None and self.token.refresh_token:
            self.token.expires_at = float("-inf")
        else:
            self.token = None

    def _client_auth(self) -> dict[str, str]:
        if not self.client_id:
            raise ConfigurationError("no client_id: pass client_id= or set REFDESK_CLIENT_ID")
        form = {"client_id": self.client_id}
        if self.client_secret:
            form["client_secret"] = self.client_secret
        return form

    def renewal_request(self) -> httpx.Request:
        """The request that gets a new token: refresh grant if possible, else client
        credentials."""
        token = self.token
        if token is not None and token.refresh_token and self.client_id:
            return self.refresh_request(token.refresh_token)
        if not (self.client_id and self.client_secret):
            raise ConfigurationError(
                "no usable token and no client credentials: pass token= or client_id= and "
                "client_secret= (or set REFDESK_CLIENT_ID and REFDESK_CLIENT_SECRET)"
            )
        form = {"grant_type": "client_credentials", **self._client_auth()}
        if self.scope:
            form["scope"] = self.scope
        return token_request(self.token_url, form)

    def refresh_request(self, refresh_token: str, scope: str | None = None) -> httpx.Request:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        form.update(self._client_auth())
        if scope:
            form["scope"] = scope
        return token_request(self.token_url, form)

    def code_request(
        self, code: str, redirect_uri: str | None, code_verifier: str | None
    ) -> httpx.Request:
        form = {"grant_type": "authorization_code", "code": code}
        form.update(self._client_auth())
        if redirect_uri:
            form["redirect_uri"] = redirect_uri
        if code_verifier:
            form["code_verifier"] = code_verifier
        return token_request(self.token_url, form)

    def accept(self, response: httpx.Response, now: float | None = None) -> Token:
        """Parse a token response and cache the token (raises APIError on an OAuth error)."""
        token = parse_token_response(response, now)
        if token.refresh_token is None and self.token is not None and self.token.refresh_token:
            # A server that does not rotate refresh tokens keeps the old one valid.
            token.refresh_token = self.token.refresh_token
        self.token = token
        return token
