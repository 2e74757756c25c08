"""An asyncio lock that is quick when it can be and fair when it must be.

``asyncio.Lock`` hands a released lock to its oldest waiter, and nobody else may take it
until that waiter's task runs. On a busy event loop that takes a while, and the lock sits idle
meanwhile (a convoy). A first gate built on ``asyncio.Lock`` served the token endpoint at
54–144 req/s against 167–199 without a gate (one noisy run, the old 5 + 10 pool, which was
part of the cause); this lock was chosen to avoid the idle hand-off where fairness does not
need it, not measured against it in isolation. It has two modes, as Go's ``sync.Mutex``:

* normal: a free lock goes to whoever asks first, a running task included; a release wakes the
  oldest waiter, which takes the lock if it is still free, else waits again at the front;
* starving: once the oldest waiter has waited ``starving_after`` seconds, a release hands the
  lock straight to it and newcomers queue behind it.

So no waiter waits much longer than ``starving_after`` plus the queue ahead of it.
"""

from __future__ import annotations

import asyncio
import collections
import time


class FairLock:
    def __init__(self, permits: int = 1, starving_after: float = 0.02) -> None:
        self.starving_after = starving_after
        self._free = permits
        # (future, when it first asked); the future's result: True = a permit was handed over.
        self._waiters: collections.deque[tuple[asyncio.Future[bool], float]] = collections.deque()

    def locked(self) -> bool:
        """No permit is free."""
        return self._free == 0

    def _starving(self) -> bool:
        """The oldest live waiter has waited ``starving_after`` seconds."""
        while self._waiters and self._waiters[0][0].done():
            self._waiters.popleft()
        return bool(self._waiters) and (
            time.monotonic() - self._waiters[0][1] >= self.starving_after
        )

    async def acquire(self) -> None:
        if self._free and not self._starving():
            self._free -= 1
            return
        loop = asyncio.get_running_loop()
        since = time.monotonic()
        front = False
        while True:
            entry = (loop.create_future(), since)
            if front:
                self._waiters.appendleft(entry)
            else:
                self._waiters.append(entry)
            try:
                handed = await entry[0]
            except asyncio.CancelledError:
                self._abandon(entry)
                raise
            if handed:
                return
            if self._free:
                self._free -= 1
                return
            front = True  # a running task took it first; wait again, at the front

    def _abandon(self, entry: tuple[asyncio.Future[bool], float]) -> None:
        """A waiter was cancelled: forget it, and pass on what it was given."""
        future = entry[0]
        if entry in self._waiters:
            self._waiters.remove(entry)
        elif future.done() and not future.cancelled():
            if future.result():
                self.release()  # it had been handed a permit
            else:
                self._wake()  # it had been woken: wake the next one instead

    def release(self) -> None:
        if self._starving():
            future, _ = self._waiters.popleft()
            future.set_result(True)  # handed over: the permit stays taken
            return
        self._free += 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters:
            future, _ = self._waiters.popleft()
            if not future.done():
                future.set_result(False)
                return
