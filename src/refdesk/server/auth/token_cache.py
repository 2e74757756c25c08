"""The in-process cache of resolved principals, keyed by the token's HMAC (never the token).

Bounded in size (least recently used entries go first) and in lifetime (``seconds``, a
backstop: invalidation is the mechanism, ``auth/token_bus.py``). An entry also ends with its
token's own expiry.

Only positive results are cached. An unknown, revoked or expired token is looked up in the
database every time it is presented: a guesser pays the database round trip and the rate
limiter counts it against its address as before, and a token issued a moment ago can never
meet a cached "unknown".

Races: a lookup takes a ``ticket`` (the cache's generation) before it reads the database and
stores its result only if no invalidation happened in between, so a read that started before a
revocation committed can never put the old principal back after the revocation was applied.

With a shared store (Redis) the cache serves nothing until its subscription is live
(``go_live``), and stops serving the moment it is lost (``go_dark``). ``epoch`` is the number
of the last invalidation this process is known to have applied (the store counts them): the
rate limiter compares it with the store's count on every request answered from the cache and
re-reads the database when they differ (``api/bearer.py``).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from refdesk.server.auth.principal import Principal
from refdesk.server.auth.token_changes import Change
from refdesk.server.db.base import utcnow


@dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal
    owner_id: int  # the account that owns the token's application
    stored: float  # time.monotonic()


class TokenCache:
    def __init__(self, size: int, seconds: float, *, shared: bool) -> None:
        self.size = size
        self.seconds = seconds
        self.enabled = size > 0 and seconds > 0
        self.shared = shared
        # Without a shared store the cache is live from the start (one process).
        self.live = self.enabled and not shared
        self.generation = 0
        self.epoch = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Principal | None:
        if not self.live:
            return None
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        if (
            time.monotonic() - entry.stored >= self.seconds
            or entry.principal.expires_at <= utcnow()
        ):
            del self._entries[key]
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.principal

    def ticket(self) -> int:
        return self.generation

    def put(self, key: str, principal: Principal, owner_id: int, ticket: int) -> None:
        if not self.live or ticket != self.generation:
            return
        self._entries[key] = _Entry(principal, owner_id, time.monotonic())
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def invalidate(self, changes: Iterable[Change]) -> None:
        """Drop every entry a change may affect (a scan: changes are rare, reads are not)."""
        self.generation += 1
        wanted = list(changes)
        if not wanted or any(c[0] == "all" for c in wanted):
            self._entries.clear()
            return
        gone = [k for k, e in self._entries.items() if any(_affects(c, e) for c in wanted)]
        for key in gone:
            del self._entries[key]

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()

    def applied(self, epoch: int, changes: Iterable[Change]) -> None:
        """A numbered invalidation from the shared store. In order: apply it. After a gap
        (a message this process never saw): drop everything — nothing older can survive."""
        if epoch == self.epoch + 1 or epoch <= self.epoch:
            self.invalidate(changes)
        else:
            self.clear()
        self.epoch = max(self.epoch, epoch)

    def published(self, epoch: int) -> None:
        """This process's own invalidation got number ``epoch`` (already applied here)."""
        if epoch == self.epoch + 1:
            self.epoch = epoch

    def resync(self, epoch: int) -> None:
        """The store has counted ``epoch`` invalidations and this cache may have missed some:
        drop everything; what is stored from now on was read after all of them."""
        self.clear()
        self.epoch = epoch

    def go_live(self, epoch: int) -> None:
        self.resync(epoch)
        self.live = self.enabled

    def go_dark(self) -> None:
        self.live = False
        self.clear()


def _affects(change: Change, entry: _Entry) -> bool:
    p = entry.principal
    kind = change[0]
    if kind == "token":
        return str(p.token_id) == change[1]
    if kind == "grant":
        return str(p.account_id) == change[1] and str(p.application_id) == change[2]
    if kind == "application":
        return str(p.application_id) == change[1]
    if kind == "account":
        return change[1] in (str(p.account_id), str(entry.owner_id))
    return True
