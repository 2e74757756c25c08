"""Invalidation of the principal cache (``auth/token_cache.py``) in every process.

After a write that changed what tokens may do commits (``Database.commit``), ``committed``
drops the affected entries in this process at once and, when a shared store (Redis: the
``REFDESK_REDIS_URL`` / ``REFDESK_RATE_LIMIT_STORE_URL`` the rate limiter uses) is configured,
numbers the change and publishes it in one atomic step (``INCR`` + ``PUBLISH`` in a script).
Each process subscribes in a background task started with the app (``start``/``stop``): it
applies the changes it receives, and reconnects after an outage. Until its subscription is live,
and from the moment it is lost, the process's cache serves nothing.

Pub/sub delivery is asynchronous, so it is not the whole guarantee: the number of changes the
store has counted comes back with every rate-limit admission (one script, no extra round trip),
and a principal taken from the cache is thrown away and read again from the database when that
number differs from the one the cache had applied (``api/bearer.py``). So the request after a
revocation fails on every process, even one whose subscriber has not yet read the message.
"""

from __future__ import annotations

import asyncio
import logging
import os
from contextlib import suppress
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth import token_changes
from refdesk.server.auth.token_cache import TokenCache
from refdesk.server.auth.token_changes import Change

log = logging.getLogger("refdesk.tokens")

EPOCH_KEY = "refdesk:tokens:epoch"
# Publishes are seen by every database of a Redis server; the channel names the database.
CHANNEL = "refdesk:tokens:db{db}"
SOCKET_TIMEOUT = 2.0
# The subscriber pings this often when nothing arrives, to find a dead connection.
HEARTBEAT = 5.0
RECONNECT_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)
_FAILURES: tuple[type[BaseException], ...] = (RedisError, OSError, asyncio.TimeoutError)

_PUBLISH = """
local epoch = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], epoch .. ' ' .. ARGV[2])
return epoch
"""


class TokenBus:
    """The cache, and how its invalidations reach the other processes."""

    def __init__(self, cache: TokenCache, url: str | None) -> None:
        self.cache = cache
        self.url = url if cache.enabled else None
        self._redis: Redis | None = None
        self._task: asyncio.Task[None] | None = None
        self.name = f"refdesk-tokens-{os.getpid()}-{id(self):x}"
        self.channel = ""
        if self.url:
            self._redis = Redis.from_url(
                self.url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT
            )
            db = self._redis.connection_pool.connection_kwargs.get("db", 0)
            self.channel = CHANNEL.format(db=db)
            self._publish = self._redis.register_script(_PUBLISH)

    async def committed(self, session: AsyncSession) -> None:
        """A session committed: announce what it changed (never raises: the write stands)."""
        changes = token_changes.taken(session)
        if changes:
            await self.announce(changes)

    async def announce(self, changes: set[Change]) -> None:
        self.cache.invalidate(changes)
        if self._redis is None:
            return
        try:
            epoch: Any = await self._publish(
                keys=[EPOCH_KEY], args=[self.channel, token_changes.encode(changes)]
            )
        except _FAILURES as exc:
            # The other processes cannot be told. Their rate limiter shares this store, so
            # they are refusing requests too; the cache's lifetime bounds the rest.
            log.error("token invalidation not published: %s", type(exc).__name__)
            return
        self.cache.published(int(epoch))

    # -- the subscriber -------------------------------------------------------------------

    def start(self) -> None:
        if self.url and self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._subscribe(), name="refdesk-token-invalidations"
            )

    async def stop(self) -> None:
        task, self._task = self._task, None
        if self.cache.shared:
            self.cache.go_dark()
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def _subscribe(self) -> None:
        assert self.url is not None
        failures = 0
        while True:
            client = Redis.from_url(
                self.url,
                socket_connect_timeout=SOCKET_TIMEOUT,
                socket_timeout=None,
                client_name=self.name,
            )
            try:
                await self._listen(client)
            except _FAILURES as exc:
                self.cache.go_dark()
                delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
                failures += 1
                log.warning(
                    "token invalidations: subscription lost (%s); the principal cache is off "
                    "until it is back, retrying in %.1f s",
                    type(exc).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
            else:
                failures = 0
            finally:
                self.cache.go_dark()
                with suppress(*_FAILURES):
                    await client.aclose()

    async def _listen(self, client: Redis) -> None:
        async with client.pubsub() as pubsub:
            await pubsub.subscribe(self.channel)
            # Wait for the confirmation: messages published from now on reach this process.
            confirmed = await pubsub.get_message(timeout=SOCKET_TIMEOUT)
            if confirmed is None or confirmed.get("type") != "subscribe":
                raise ConnectionError("no confirmation of the subscription")
            epoch = int(await client.get(EPOCH_KEY) or 0)
            self.cache.go_live(epoch)
            log.info("token invalidations: subscribed to %s at %d", self.channel, epoch)
            waiting = False
            while True:
                message = await pubsub.get_message(timeout=HEARTBEAT)
                if message is None:
                    if waiting:
                        raise ConnectionError("no answer to a ping")
                    await pubsub.ping()
                    waiting = True
                    continue
                waiting = False
                if message.get("type") == "message":
                    self._apply(message.get("data"))

    def _apply(self, data: object) -> None:
        text = data.decode("ascii", "replace") if isinstance(data, bytes) else str(data)
        number, _, rest = text.partition(" ")
        if not number.isdigit():
            self.cache.clear()
            return
        self.cache.applied(int(number), token_changes.decode(rest))
