"""Human passwords: argon2id. Never used on the token path.

``verify`` runs argon2 exactly once per call, also when there is nothing to compare with (unknown
login, an account without a password, a malformed stored hash): it then checks the guess against
a dummy hash of the same cost and answers False. A failed login therefore costs the same time
whether or not the login exists, and the answer time does not enumerate accounts.
"""

from __future__ import annotations

import contextlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128


class Passwords:
    def __init__(self, time_cost: int, memory_cost: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def _dummy_hash(self) -> str:
        # Made on first use (not at start-up: CLI commands build a Runtime too). A race makes
        # two dummies, which is harmless.
        if self._dummy is None:
            self._dummy = self._hasher.hash(secrets.token_urlsafe(32))
        return self._dummy

    def verify(self, password: str, digest: str | None) -> bool:
        """True when ``password`` matches ``digest``; always one argon2 verification."""
        if digest:
            try:
                return self._hasher.verify(digest, password)
            except VerificationError:
                return False
            except InvalidHashError:
                pass
        with contextlib.suppress(VerificationError, InvalidHashError):
            self._hasher.verify(self._dummy_hash(), password)
        return False


def password_errors(password: object) -> list[str]:
    """The validation messages of a new password (contract §15.1: 8–128 characters)."""
    if not isinstance(password, str) or not password:
        return ["can't be blank"]
    if len(password) < MIN_LENGTH:
        return [f"is too short (minimum is {MIN_LENGTH} characters)"]
    if len(password) > MAX_LENGTH:
        return [f"is too long (maximum is {MAX_LENGTH} characters)"]
    return []
