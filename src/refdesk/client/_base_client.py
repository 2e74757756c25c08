"""The configuration and sans-I/O engine that ``Client`` and ``AsyncClient`` share, and the
small helpers both drivers use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from refdesk import __version__
from refdesk.client._auth import DEFAULT_RENEW_MARGIN, PKCE, Token, TokenManager, authorization_url
from refdesk.client._config import RetryPolicy, VerifyTypes, authorize_url_for, resolve
from refdesk.client._core import Call
from refdesk.client._engine import Engine
from refdesk.client._errors import RefdeskError, Unauthorized
from refdesk.client._hal import Page, Resource

USER_AGENT = f"refdesk-python/{__version__}"


def _call(
    method: str,
    path: str,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    idempotency_key: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Call:
    return Call(method.upper(), path, params, json, idempotency_key, headers)


def _link(resource: Resource, rel: str) -> str:
    href = resource.link(rel)
    if href is None:
        raise RefdeskError(f"the resource has no {rel!r} link")
    return href


def _as_page(resource: Resource, answer: Resource) -> Resource:
    """Following a link of a Page gives a Page of the same collection."""
    return Page(answer, resource.key) if isinstance(resource, Page) else answer


class BaseClient:
    """What ``Client`` and ``AsyncClient`` share. Not used directly.

    Arguments (all optional when the ``REFDESK_*`` environment variables are set):

    * ``base_url`` — the API root, e.g. ``https://refdesk.example.org/api/v2`` or
      ``https://api.assignr.com/api/v2`` (a bare origin gets ``/api/v2``). Env ``REFDESK_URL``.
    * ``token_url`` — env ``REFDESK_TOKEN_URL``; default: ``/oauth/token`` on the API's origin
      (``https://app.assignr.com/oauth/token`` for assignr.com).
    * ``client_id``, ``client_secret``, ``scope`` — client-credentials grant; env
      ``REFDESK_CLIENT_ID``, ``REFDESK_CLIENT_SECRET``, ``REFDESK_SCOPE``.
    * ``token`` — a bearer token string (used as is), or a :class:`Token` (renewed through the
      refresh grant when it carries a refresh token).
    * ``verify`` — TLS verification: True (default), False, an ``ssl.SSLContext``, or the path
      of a CA file to trust (env ``REFDESK_CA_FILE``).
    * ``retry`` — a :class:`RetryPolicy`; ``pace=True`` turns on client-side pacing;
      ``renew_margin`` — renew a token this many seconds before it expires.
    * ``transport`` (on the concrete clients) — an httpx transport, e.g. ``ASGITransport``.
    * ``environ`` — read configuration from this mapping instead of ``os.environ``.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        token: str | Token | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        scope: str | None = None,
        token_url: str | None = None,
        verify: VerifyTypes | None = None,
        timeout: float | httpx.Timeout = 30.0,
        retry: RetryPolicy | None = None,
        pace: bool = False,
        renew_margin: float = DEFAULT_RENEW_MARGIN,
        user_agent: str = USER_AGENT,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = resolve(
            base_url=base_url,
            token_url=token_url,
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
            verify=verify,
            environ=environ,
        )
        auth = TokenManager(
            self.settings.token_url,
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret,
            scope=self.settings.scope,
            token=Token(access_token=token) if isinstance(token, str) else token,
            renew_margin=renew_margin,
        )
        self._engine = Engine(
            self.settings.base_url, auth, retry or RetryPolicy(), pace=pace, user_agent=user_agent
        )
        self._timeout = timeout

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._engine.policy

    @property
    def token(self) -> Token | None:
        """The current token (None before the first request of a client-credentials client).
        Assign a saved :class:`Token` (``Token.from_dict``) to resume with its refresh token."""
        return self._engine.auth.token

    @token.setter
    def token(self, value: Token | str | None) -> None:
        self._engine.auth.token = Token(access_token=value) if isinstance(value, str) else value

    @property
    def authorize_url(self) -> str:
        return authorize_url_for(self.settings.token_url)

    def authorization_url(
        self,
        redirect_uri: str,
        *,
        scope: str | None = None,
        state: str | None = None,
        pkce: PKCE | None = None,
    ) -> str:
        """Where to send the user's browser to approve this application (authorization-code
        grant, §6.4). Keep ``pkce.verifier`` for ``exchange_code``."""
        if not self.settings.client_id:
            raise RefdeskError("authorization_url needs client_id")
        return authorization_url(
            self.authorize_url,
            self.settings.client_id,
            redirect_uri,
            scope=scope or self.settings.scope,
            state=state,
            pkce=pkce,
        )

    def _code_request(
        self, code: str, redirect_uri: str | None, code_verifier: str | None
    ) -> httpx.Request:
        return self._engine.auth.code_request(code, redirect_uri, code_verifier)

    def _refresh_request(self, scope: str | None) -> httpx.Request:
        token = self._engine.auth.token
        if token is None or not token.refresh_token:
            raise Unauthorized(401, "invalid_grant", "there is no refresh token to use")
        return self._engine.auth.refresh_request(token.refresh_token, scope)
