"""The ``Authorization: Bearer`` header -> :class:`BearerResult`, resolved once per request and
cached in the ASGI scope: the rate limiter resolves it first (its key is the account), the auth
dependency and the idempotency layer reuse it. The lookup itself is ``auth.principal.lookup``.
"""

from __future__ import annotations

from starlette.types import Scope

from refdesk.server.api.origin import header
from refdesk.server.auth.principal import BearerResult, lookup
from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.db.engine import Database
from refdesk.server.db.shared_session import read_session


def bearer_credential(scope: Scope) -> tuple[bool, str | None]:
    value = header(scope, b"authorization")
    if not value:
        return False, None
    scheme, _, credential = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False, None
    return True, credential.strip()


async def resolve(scope: Scope, db: Database, hasher: SecretHasher) -> BearerResult:
    """Resolve once per request; a database failure propagates and is not cached."""
    state = scope.setdefault("state", {})
    cached = state.get("bearer")
    if isinstance(cached, BearerResult):
        return cached
    presented, token = bearer_credential(scope)
    principal = (
        await lookup(db, hasher, token, read_session(scope, db)) if presented and token else None
    )
    result = BearerResult(presented, principal)
    state["bearer"] = result
    return result
