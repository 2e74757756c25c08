"""Bearer token -> principal (the acting account and its scopes), cached in the ASGI scope.

The rate limiter resolves it first (its key is the account); the auth dependency reuses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased
from starlette.types import Scope

from refdesk.server.accounts.models import Account
from refdesk.server.api.origin import header
from refdesk.server.auth.models import AccessToken, Application
from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.db.base import utcnow
from refdesk.server.db.engine import Database

TOKEN_RE = re.compile(r"^[0-9a-f]{64}$")
SCOPE_ORDER = ("read", "write", "bank")


@dataclass(frozen=True)
class Principal:
    account_id: int
    operator: bool
    scopes: frozenset[str]
    token_id: int
    application_id: int
    expires_at: datetime


@dataclass(frozen=True)
class BearerResult:
    """``presented``: an Authorization: Bearer header was sent; ``principal``: it is valid."""

    presented: bool
    principal: Principal | None


def bearer_credential(scope: Scope) -> tuple[bool, str | None]:
    value = header(scope, b"authorization")
    if not value:
        return False, None
    scheme, _, credential = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False, None
    return True, credential.strip()


async def lookup(db: Database, hasher: SecretHasher, token: str) -> Principal | None:
    if not TOKEN_RE.match(token):
        return None
    owner = aliased(Account)
    async with db.session() as session:
        row = (
            await session.execute(
                select(AccessToken, Account.operator, Account.active, owner.active)
                .join(Account, Account.id == AccessToken.account_id)
                .join(Application, Application.id == AccessToken.application_id)
                .join(owner, owner.id == Application.account_id)
                .where(AccessToken.token_hash == hasher.hash(token))
            )
        ).first()
    if row is None:
        return None
    access, operator, active, owner_active = row
    # Deactivating the account that acts, or the account that owns the application, ends
    # every token (contract §6.2).
    if (
        access.revoked_at is not None
        or access.expires_at <= utcnow()
        or not active
        or not owner_active
    ):
        return None
    return Principal(
        account_id=access.account_id,
        operator=bool(operator),
        scopes=frozenset(access.scopes.split()),
        token_id=access.id,
        application_id=access.application_id,
        expires_at=access.expires_at,
    )


async def resolve(scope: Scope, db: Database, hasher: SecretHasher) -> BearerResult:
    """Resolve once per request; a database failure propagates and is not cached."""
    state = scope.setdefault("state", {})
    cached = state.get("bearer")
    if isinstance(cached, BearerResult):
        return cached
    presented, token = bearer_credential(scope)
    principal = await lookup(db, hasher, token) if presented and token else None
    result = BearerResult(presented, principal)
    state["bearer"] = result
    return result


def scope_string(scopes: set[str] | frozenset[str]) -> str:
    return " ".join(s for s in SCOPE_ORDER if s in scopes)
