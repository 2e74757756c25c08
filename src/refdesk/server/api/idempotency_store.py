"""The ``idempotency_records`` table (contract §13): claim, complete, release — holding no
secret in a readable form.

A stored response may hold a secret (a new client secret, a rotated webhook secret) and a
fingerprinted request may too (a password), so nothing in a record is readable or checkable
without the raw ``Idempotency-Key``, which only the client has: from the server secret, the
account and the raw key, :class:`RecordKey` derives the stored lookup key (a keyed hash), the
keyed request fingerprint and the AES-GCM key that seals every stored body. A database dump,
even with the server secret (the default data directory holds both), opens nothing; a retry,
which carries the key, gets its response back. Every stored body is sealed, not only those
known to hold secrets, so an endpoint added later cannot leak by forgetting to say so.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from datetime import timedelta

import anyio
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.db.base import utcnow
from refdesk.server.db.models import IdempotencyRecord
from refdesk.server.runtime import Runtime

log = logging.getLogger("refdesk.idempotency")

# An in-flight claim whose process died is reclaimable after this long (or the TTL if shorter).
IN_FLIGHT_LEASE_SECONDS = 600
CLAIM_ATTEMPTS = 3
SEAL_VERSION = b"\x01"
NONCE_BYTES = 12


class RecordKey:
    """What one account's raw ``Idempotency-Key`` derives; the raw key is never stored."""

    def __init__(self, hasher: SecretHasher, account_id: int, key: str) -> None:
        self._secret = bytes.fromhex(hasher.hash(f"idempotency:{account_id}:{key}"))
        self.lookup = self._mac(b"lookup").hex()

    def _mac(self, message: bytes) -> bytes:
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def fingerprint(self, canonical_request: bytes) -> str:
        return self._mac(b"fingerprint\0" + canonical_request).hex()

    def seal(self, body: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        cipher = AESGCM(self._mac(b"seal"))
        return SEAL_VERSION + nonce + cipher.encrypt(nonce, body, self.lookup.encode())

    def open(self, sealed: bytes) -> bytes | None:
        """The stored body, or None when it does not open with this key (tampered)."""
        if not sealed.startswith(SEAL_VERSION) or len(sealed) < 1 + NONCE_BYTES:
            return None
        nonce, data = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        try:
            return AESGCM(self._mac(b"seal")).decrypt(nonce, data, self.lookup.encode())
        except InvalidTag:
            return None


@dataclass(frozen=True)
class Stored:
    """An existing, unexpired record (``status is None``: still in flight). ``body`` is the
    opened response body, None when in flight or when it does not open."""

    fingerprint: str
    status: int | None
    body: bytes | None
    content_type: str | None
    location: str | None


@dataclass(frozen=True)
class Claimed:
    record_id: int


class IdempotencyStore:
    """The ``idempotency_records`` table: claim, complete, release."""

    def __init__(self, runtime: Runtime) -> None:
        self.db = runtime.db
        self.ttl = runtime.settings.idempotency_ttl
        self.lease = min(self.ttl, IN_FLIGHT_LEASE_SECONDS)

    async def claim(self, account_id: int, key: RecordKey, print_: str) -> Claimed | Stored | None:
        """Insert an in-flight row (committed); an unexpired existing row is returned instead.
        None: lost every race for the key (someone else holds it)."""
        await self._sweep(account_id)
        for _ in range(CLAIM_ATTEMPTS):
            now = utcnow()
            try:
                async with self.db.transaction() as session:
                    existing = await session.scalar(
                        select(IdempotencyRecord).where(
                            IdempotencyRecord.account_id == account_id,
                            IdempotencyRecord.key == key.lookup,
                        )
                    )
                    if existing is not None and existing.expires_at <= now:
                        await session.delete(existing)  # expired: as if absent
                        await session.flush()
                    elif existing is not None:
                        done = existing.status is not None
                        return Stored(
                            existing.fingerprint,
                            existing.status,
                            key.open(existing.body or b"") if done else None,
                            existing.content_type,
                            existing.location,
                        )
                    record = IdempotencyRecord(
                        account_id=account_id,
                        key=key.lookup,
                        fingerprint=print_,
                        status=None,
                        expires_at=now + timedelta(seconds=self.lease),
                    )
                    session.add(record)
                    await session.flush()
                    record_id = record.id
                return Claimed(record_id)
            except IntegrityError:
                continue
        return None

    async def _sweep(self, account_id: int) -> None:
        """Best effort: drop the account's expired records so the table does not grow."""
        try:
            async with self.db.transaction() as session:
                await session.execute(
                    delete(IdempotencyRecord).where(
                        IdempotencyRecord.account_id == account_id,
                        IdempotencyRecord.expires_at <= utcnow(),
                    )
                )
        except Exception as exc:
            log.warning("could not sweep idempotency records: %s", type(exc).__name__)

    async def complete(
        self,
        record_id: int,
        key: RecordKey,
        status: int,
        body: bytes,
        content_type: str | None,
        location: str | None,
    ) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                update(IdempotencyRecord)
                .where(IdempotencyRecord.id == record_id, IdempotencyRecord.status.is_(None))
                .values(
                    status=status,
                    body=key.seal(body),
                    content_type=content_type,
                    location=location,
                    expires_at=utcnow() + timedelta(seconds=self.ttl),
                )
            )

    async def release(self, record_id: int) -> None:
        """Drop an in-flight claim so a corrected retry executes; never raises."""
        try:
            with anyio.CancelScope(shield=True):
                async with self.db.transaction() as session:
                    await session.execute(
                        delete(IdempotencyRecord).where(
                            IdempotencyRecord.id == record_id,
                            IdempotencyRecord.status.is_(None),
                        )
                    )
        except Exception as exc:
            log.error("could not release idempotency record %s: %s", record_id, type(exc).__name__)
