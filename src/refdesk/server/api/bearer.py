"""The ``Authorization: Bearer`` header -> :class:`BearerResult`, resolved once per request and
cached in the ASGI scope: the rate limiter resolves it first (its key is the account), the auth
dependency and the idempotency layer reuse it. The lookup itself is ``auth.principal.lookup``;
a process's principal cache (``auth/token_cache.py``) answers before it when it can.
"""

from __future__ import annotations

from starlette.types import Scope

from refdesk.server.api.origin import header
from refdesk.server.auth.principal import TOKEN_RE, BearerResult, lookup_hash
from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.auth.token_cache import TokenCache
from refdesk.server.db.engine import Database
from refdesk.server.db.shared_session import read_session

# In the scope's state when the principal came from the cache: the cache's epoch then.
FROM_CACHE = "bearer_epoch"


def bearer_credential(scope: Scope) -> tuple[bool, str | None]:
    value = header(scope, b"authorization")
    if not value:
        return False, None
    scheme, _, credential = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False, None
    return True, credential.strip()


async def resolve(
    scope: Scope, db: Database, hasher: SecretHasher, cache: TokenCache | None = None
) -> BearerResult:
    """Resolve once per request; a database failure propagates and is not cached."""
    state = scope.setdefault("state", {})
    cached = state.get("bearer")
    if isinstance(cached, BearerResult):
        return cached
    presented, token = bearer_credential(scope)
    principal = None
    if presented and token and TOKEN_RE.match(token):
        key = hasher.hash(token)
        if cache is not None:
            principal = cache.get(key)
            if principal is not None:
                state[FROM_CACHE] = cache.epoch
        if principal is None:
            ticket = cache.ticket() if cache is not None else 0
            found = await lookup_hash(db, key, read_session(scope, db))
            if found is not None:
                principal = found[0]
                if cache is not None:
                    cache.put(key, principal, found[1], ticket)
    result = BearerResult(presented, principal)
    state["bearer"] = result
    return result


def recheck(scope: Scope, cache: TokenCache, epoch: int | None) -> None:
    """The shared store has counted ``epoch`` token invalidations (the rate limiter read it).
    If the principal came from the cache and the cache had applied a different number, the
    cache may be behind (a message on its way, a lost subscription, a restarted store): it is
    emptied and this request's principal is read again from the database."""
    state = scope.get("state")
    if epoch is None or not state or FROM_CACHE not in state:
        return
    if state.pop(FROM_CACHE) != epoch:
        cache.resync(epoch)
        state.pop("bearer", None)
