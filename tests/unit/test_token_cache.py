"""The principal cache's own rules (auth/token_cache.py): bounded size, the race guard, the
numbered invalidations from the shared store. The HTTP-level proofs are in
tests/auth/test_token_cache*.py."""

from __future__ import annotations

from datetime import timedelta

from refdesk.server.auth.principal import Principal
from refdesk.server.auth.token_cache import TokenCache
from refdesk.server.auth.token_changes import decode, encode
from refdesk.server.db.base import utcnow


def principal(token_id: int, account_id: int = 1, application_id: int = 1) -> Principal:
    return Principal(
        account_id, False, frozenset({"read"}), token_id, application_id, utcnow() + timedelta(1)
    )


def test_least_recently_used_entries_go_first() -> None:
    cache = TokenCache(2, 30, shared=False)
    for n in (1, 2):
        cache.put(f"h{n}", principal(n), 9, cache.ticket())
    assert cache.get("h1") is not None  # h2 is now the least recently used
    cache.put("h3", principal(3), 9, cache.ticket())
    assert len(cache) == 2
    assert cache.get("h2") is None
    assert cache.get("h1") is not None and cache.get("h3") is not None


def test_a_read_older_than_an_invalidation_is_not_stored() -> None:
    cache = TokenCache(10, 30, shared=False)
    ticket = cache.ticket()  # a lookup starts reading the database...
    cache.invalidate([("token", "1")])  # ...a revocation is applied meanwhile
    cache.put("h1", principal(1), 9, ticket)
    assert cache.get("h1") is None


def test_an_expired_token_is_not_served() -> None:
    cache = TokenCache(10, 30, shared=False)
    gone = Principal(1, False, frozenset({"read"}), 1, 1, utcnow() - timedelta(seconds=1))
    cache.put("h1", gone, 9, cache.ticket())
    assert cache.get("h1") is None


def test_changes_drop_what_they_affect() -> None:
    cache = TokenCache(10, 30, shared=False)
    entries = {
        "a": (principal(1, account_id=1, application_id=10), 5),
        "b": (principal(2, account_id=2, application_id=10), 5),
        "c": (principal(3, account_id=2, application_id=11), 6),
        "d": (principal(4, account_id=3, application_id=12), 7),
    }

    def fill() -> None:
        cache.clear()
        for key, (p, owner) in entries.items():
            cache.put(key, p, owner, cache.ticket())

    def left() -> set[str]:
        return {k for k in entries if cache.get(k) is not None}

    for change, kept in [
        (("token", "1"), {"b", "c", "d"}),
        (("grant", "2", "10"), {"a", "c", "d"}),
        (("application", "10"), {"c", "d"}),
        (("account", "2"), {"a", "d"}),
        (("account", "7"), {"a", "b", "c"}),  # the owner of d's application
        (("all",), set()),
    ]:
        fill()
        cache.invalidate([change])
        assert left() == kept, change


def test_numbered_invalidations_and_gaps() -> None:
    cache = TokenCache(10, 30, shared=True)
    assert cache.get("h") is None and not cache.live  # nothing before the subscription
    cache.go_live(4)
    cache.put("h1", principal(1), 9, cache.ticket())
    cache.put("h2", principal(2), 9, cache.ticket())
    cache.applied(5, [("token", "1")])  # in order: only what it names
    assert cache.epoch == 5 and cache.get("h1") is None and cache.get("h2") is not None
    cache.applied(7, [("token", "3")])  # 6 was missed: everything goes
    assert cache.epoch == 7 and len(cache) == 0
    cache.go_dark()
    cache.put("h2", principal(2), 9, cache.ticket())
    assert cache.get("h2") is None


def test_messages_round_trip_and_garbage_drops_everything() -> None:
    changes = {("token", "5"), ("grant", "1", "2"), ("account", "3")}
    assert set(decode(encode(changes))) == changes
    assert decode("token:x") == [("all",)]
    assert decode("grant:1") == [("all",)]
    assert decode("nonsense") == [("all",)]


def test_several_workers_without_a_shared_store_have_no_cache() -> None:
    """A revocation could not reach the other workers: no cache at all."""
    from refdesk.server.config import Settings
    from refdesk.server.runtime import token_bus

    assert token_bus(Settings(workers=1)).cache.live
    assert not token_bus(Settings(workers=2)).cache.enabled
    shared = token_bus(Settings(workers=2, redis_url="redis://127.0.0.1:1/0")).cache
    assert shared.enabled and not shared.live  # until its subscription is live
