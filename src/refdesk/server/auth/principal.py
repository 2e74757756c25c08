"""Bearer token -> principal (the acting account and its scopes).

:func:`lookup` is the rule; reading the ``Authorization`` header and caching the result in the
ASGI scope (the rate limiter resolves it first, the auth dependency reuses it) is the wire's
part, in ``api/bearer.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from refdesk.server.accounts.models import Account
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


_owner = aliased(Account)
# Built once: a plain column select (no ORM entity) keyed by the token hash. It runs on a
# bare connection, not a session: this is the one statement on every authenticated call.
TOKEN_LOOKUP = (
    select(
        AccessToken.account_id,
        AccessToken.application_id,
        AccessToken.id,
        AccessToken.scopes,
        AccessToken.expires_at,
        AccessToken.revoked_at,
        Account.operator,
        Account.active,
        _owner.active,
        Application.scopes,
        Application.account_id,
    )
    .join(Account, Account.id == AccessToken.account_id)
    .join(Application, Application.id == AccessToken.application_id)
    .join(_owner, _owner.id == Application.account_id)
    .where(AccessToken.token_hash == bindparam("token_hash"))
)


async def lookup(
    db: Database, hasher: SecretHasher, token: str, session: AsyncSession | None = None
) -> Principal | None:
    """The principal for a bearer token, read in ``session`` when given (a read request's
    shared session), else on a connection of its own."""
    if not TOKEN_RE.match(token):
        return None
    found = await lookup_hash(db, hasher.hash(token), session)
    return found[0] if found is not None else None


async def lookup_hash(
    db: Database, token_hash: str, session: AsyncSession | None = None
) -> tuple[Principal, int] | None:
    """The principal for a token's hash and the account that owns its application (what the
    principal cache needs to find the entries an account's deactivation ends)."""
    params = {"token_hash": token_hash}
    if session is not None:
        row = (await session.execute(TOKEN_LOOKUP, params)).first()
    else:
        async with db.engine.connect() as conn:
            row = (await conn.execute(TOKEN_LOOKUP, params)).first()
    if row is None:
        return None
    account_id, application_id, token_id, scopes, expires_at, revoked_at = row[:6]
    operator, active, owner_active, application_scopes, owner_id = row[6:]
    # Deactivating the account that acts, or the account that owns the application, ends
    # every token (contract §6.2).
    if revoked_at is not None or expires_at <= utcnow() or not active or not owner_active:
        return None
    principal = Principal(
        account_id=account_id,
        operator=bool(operator),
        # A later cut of the application's scopes binds the tokens it already holds.
        scopes=frozenset(scopes.split()) & frozenset(application_scopes.split()),
        token_id=token_id,
        application_id=application_id,
        expires_at=expires_at,
    )
    return principal, owner_id


def scope_string(scopes: set[str] | frozenset[str]) -> str:
    return " ".join(s for s in SCOPE_ORDER if s in scopes)
