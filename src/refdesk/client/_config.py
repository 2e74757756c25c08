"""Client configuration: URLs, credentials and TLS from arguments or ``REFDESK_*`` variables,
and the retry policy. Nothing here knows refdesk's server: the same values describe
assignr.com (:data:`ASSIGNR_API_URL`, :data:`ASSIGNR_TOKEN_URL`)."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from refdesk.client._errors import ConfigurationError

ASSIGNR_API_URL = "https://api.assignr.com/api/v2"
ASSIGNR_TOKEN_URL = "https://app.assignr.com/oauth/token"
API_PREFIX = "/api/v2"

ENV_URL = "REFDESK_URL"
ENV_TOKEN_URL = "REFDESK_TOKEN_URL"
ENV_CLIENT_ID = "REFDESK_CLIENT_ID"
ENV_CLIENT_SECRET = "REFDESK_CLIENT_SECRET"
ENV_SCOPE = "REFDESK_SCOPE"
ENV_CA_FILE = "REFDESK_CA_FILE"

VerifyTypes = bool | str | Path | ssl.SSLContext


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the client tries before raising.

    ``max_attempts`` counts every attempt (1 = no retries); ``max_total_time`` bounds the time
    spent waiting between attempts: a wait that would pass it is not started and the last error
    is raised. 502/503/504 and transport failures back off exponentially from ``backoff_base``
    up to ``backoff_max`` with full jitter; 429 waits for the server's reset time. Only safe
    methods (GET, HEAD, OPTIONS) and POSTs carrying an ``Idempotency-Key`` are retried."""

    max_attempts: int = 5
    max_total_time: float = 120.0
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_on_rate_limit: bool = True

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ConfigurationError("max_attempts must be at least 1")


NO_RETRIES = RetryPolicy(max_attempts=1)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def normalise_base_url(url: str) -> str:
    """``https://host`` -> ``https://host/api/v2``; trailing slashes dropped."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"base URL must be an absolute http(s) URL, got {url!r}")
    path = parts.path.rstrip("/")
    if not path:
        path = API_PREFIX
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def default_token_url(base_url: str) -> str:
    """The token endpoint that goes with an API base URL: assignr.com keeps OAuth on
    ``app.assignr.com``; refdesk serves it from the API's own origin (§2.1)."""
    if urlsplit(base_url).netloc == urlsplit(ASSIGNR_API_URL).netloc:
        return ASSIGNR_TOKEN_URL
    return _origin(base_url) + "/oauth/token"


def authorize_url_for(token_url: str) -> str:
    """``.../oauth/token`` -> ``.../oauth/authorize`` (the two live side by side everywhere)."""
    parts = urlsplit(token_url)
    path = parts.path
    path = path[: -len("/token")] + "/authorize" if path.endswith("/token") else "/oauth/authorize"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    port_a = pa.port or (443 if pa.scheme == "https" else 80)
    port_b = pb.port or (443 if pb.scheme == "https" else 80)
    return (pa.scheme, (pa.hostname or "").lower(), port_a) == (
        pb.scheme,
        (pb.hostname or "").lower(),
        port_b,
    )


def ssl_verify(verify: VerifyTypes) -> bool | ssl.SSLContext:
    """httpx's ``verify``: True/False, or a context trusting the given CA file (the local CA
    that ``refdesk serve`` creates) in addition to nothing else."""
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    path = Path(verify).expanduser()
    if not path.is_file():
        raise ConfigurationError(f"CA file {str(path)!r} does not exist")
    return ssl.create_default_context(cafile=str(path))


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one client."""

    base_url: str
    token_url: str
    client_id: str | None
    client_secret: str | None
    scope: str | None
    verify: bool | ssl.SSLContext


def resolve(
    *,
    base_url: str | None,
    token_url: str | None,
    client_id: str | None,
    client_secret: str | None,
    scope: str | None,
    verify: VerifyTypes | None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Explicit arguments win; then ``REFDESK_*`` variables; then defaults."""
    env = os.environ if environ is None else environ
    url = base_url or env.get(ENV_URL)
    if not url:
        raise ConfigurationError(
            f"no base URL: pass base_url= or set {ENV_URL} (for assignr.com use {ASSIGNR_API_URL})"
        )
    base = normalise_base_url(url)
    token = token_url or env.get(ENV_TOKEN_URL) or default_token_url(base)
    if verify is None:
        ca_file = env.get(ENV_CA_FILE)
        verify = ca_file if ca_file else True
    return Settings(
        base_url=base,
        token_url=token,
        client_id=client_id or env.get(ENV_CLIENT_ID) or None,
        client_secret=client_secret or env.get(ENV_CLIENT_SECRET) or None,
        scope=scope or env.get(ENV_SCOPE) or None,
        verify=ssl_verify(verify),
    )
