"""Secrets the server must read back (not just compare), sealed at rest.

AES-GCM under a key derived from the server pepper and a ``purpose`` (so a value sealed for one
use never opens as another), with the owning row's id as associated data (a sealed value
copied to another row does not open). A database dump without the pepper reveals none of them.
Used for webhook signing secrets (``webhooks/secrets.py``) and calendar feed tokens
(``calendar/tokens.py``).
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from refdesk.server.auth.secrets import SecretHasher

_NONCE = 12


def _key(hasher: SecretHasher, purpose: str) -> bytes:
    return hashlib.sha256(bytes.fromhex(hasher.hash(purpose))).digest()


def seal(hasher: SecretHasher, purpose: str, owner_id: int, plain: str) -> bytes:
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(_key(hasher, purpose)).encrypt(nonce, plain.encode(), str(owner_id).encode())
    return nonce + sealed


def unseal(hasher: SecretHasher, purpose: str, owner_id: int, sealed: bytes) -> str | None:
    """The plain value, or None when it does not open (another pepper, or tampered)."""
    try:
        plain = AESGCM(_key(hasher, purpose)).decrypt(
            sealed[:_NONCE], sealed[_NONCE:], str(owner_id).encode()
        )
    except (InvalidTag, ValueError):
        return None
    return plain.decode()
