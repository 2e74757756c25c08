"""Subscription signing secrets: 64 lowercase hex characters, sealed at rest.

The worker needs the plain secret to sign every delivery, so it is stored sealed (AES-GCM,
key derived from the server pepper, the subscription id as associated data) rather than
hashed. It is shown to the client only in the ``201`` and ``rotate_secret`` responses.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from refdesk.server.auth.secrets import SecretHasher

_NONCE = 12


def new_signing_secret() -> str:
    return secrets.token_hex(32)


def _key(hasher: SecretHasher) -> bytes:
    return hashlib.sha256(bytes.fromhex(hasher.hash("webhook-subscription-secret"))).digest()


def seal_secret(hasher: SecretHasher, subscription_id: int, secret: str) -> bytes:
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(_key(hasher)).encrypt(nonce, secret.encode(), str(subscription_id).encode())
    return nonce + sealed


def open_secret(hasher: SecretHasher, subscription_id: int, sealed: bytes) -> str | None:
    """The plain secret, or None when it does not open (another pepper, or tampered)."""
    try:
        plain = AESGCM(_key(hasher)).decrypt(
            sealed[:_NONCE], sealed[_NONCE:], str(subscription_id).encode()
        )
    except (InvalidTag, ValueError):
        return None
    return plain.decode()


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
