"""Pure ASGI, just outside the rate limiter: on SQLite, at most N reads at work at once.

Every SQLite connection is a thread of its own (aiosqlite). Under 16 concurrent reads the
pool handed out 16 connections, and 16 threads took turns with the event loop for the
interpreter: the bench's reads ran at 0.31 of the floor, and the process held 152 MB. With
four reads at work and the others waiting their turn (an ``asyncio`` wait, holding nothing)
the same run gave 0.43-0.55 and 137 MB (issue 15). A read is at work from the token lookup
(the rate limiter's, which opens the request's read session) until its response starts; a
slow client reading a large body no longer holds a turn. Writes are not gated here: they
queue at the write gate (``db/write_gate.py``) and must not wait behind reads.

PostgreSQL's driver has no threads: the gate is off there (``Settings.read_concurrency``
applies to SQLite only), and ``0`` turns it off on SQLite too.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ_METHODS = frozenset({"GET", "HEAD"})


class ReadGate:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.turns = asyncio.Semaphore(limit) if limit > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        turns = self.turns
        if turns is None or scope["type"] != "http" or scope["method"] not in READ_METHODS:
            await self.app(scope, receive, send)
            return
        await turns.acquire()
        held = True

        def give_back() -> None:
            nonlocal held
            if held:
                held = False
                turns.release()

        async def send_and_give_back(message: Message) -> None:
            if message["type"] == "http.response.start":
                give_back()  # the work is done; sending is the client's pace
            await send(message)

        try:
            await self.app(scope, receive, send_and_give_back)
        finally:
            give_back()
