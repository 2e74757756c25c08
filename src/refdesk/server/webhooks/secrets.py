"""Subscription signing secrets: 64 lowercase hex characters, sealed at rest.

The worker needs the plain secret to sign every delivery, so it is stored sealed (AES-GCM,
key derived from the server pepper, the subscription id as associated data) rather than
hashed (``auth/sealed.py``). It is shown to the client only in the ``201`` and
``rotate_secret`` responses.
"""

from __future__ import annotations

import hmac
import secrets

from refdesk.server.auth.sealed import seal, unseal
from refdesk.server.auth.secrets import SecretHasher

PURPOSE = "webhook-subscription-secret"


def new_signing_secret() -> str:
    return secrets.token_hex(32)


def seal_secret(hasher: SecretHasher, subscription_id: int, secret: str) -> bytes:
    return seal(hasher, PURPOSE, subscription_id, secret)


def open_secret(hasher: SecretHasher, subscription_id: int, sealed: bytes) -> str | None:
    """The plain secret, or None when it does not open (another pepper, or tampered)."""
    return unseal(hasher, PURPOSE, subscription_id, sealed)


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
