"""Human passwords: argon2id. Never used on the token path."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, time_cost: int, memory_cost: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password: str, digest: str | None) -> bool:
        if not digest:
            return False
        try:
            return self._hasher.verify(digest, password)
        except (VerificationError, InvalidHashError):
            return False
