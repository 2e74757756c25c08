"""Machine secrets (tokens, client secrets, codes): generated from a CSPRNG, stored as
HMAC-SHA256 with the server pepper. Human passwords use argon2 (``passwords.py``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets


class SecretHasher:
    def __init__(self, pepper: str) -> None:
        self._key = pepper.encode("utf-8")

    def hash(self, value: str) -> str:
        return hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def verify(self, value: str, digest: str | None) -> bool:
        return digest is not None and hmac.compare_digest(self.hash(value), digest)


def new_token() -> str:
    """64 lowercase hex characters (access tokens, refresh tokens, authorization codes)."""
    return secrets.token_hex(32)


def new_client_credential() -> str:
    """43 URL-safe characters (client ids and client secrets)."""
    return secrets.token_urlsafe(32)


def new_family() -> str:
    """32 lowercase hex characters naming one refresh-token family."""
    return secrets.token_hex(16)
