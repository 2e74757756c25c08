"""A real HTTP receiver on 127.0.0.1 for the webhook delivery tests.

It records every request (path, headers, raw body) and answers according to its script:
fail the first ``fail`` requests with 500, answer ``redirect`` with a 302, ``hang`` (hold
the first ``hang`` requests until released), or answer with an ``endless`` body. Runs on the
test's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names as sent
    body: bytes

    def header(self, name: str) -> str:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        raise KeyError(name)


@dataclass
class Receiver:
    fail: int = 0  # answer 500 to this many requests first
    redirect: bool = False
    hang: int = 0  # hold this many requests (until released), then answer normally
    status: int = 200
    endless: bool = False  # answer with a body that never ends (a huge Content-Length)
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    released: asyncio.Event = field(default_factory=asyncio.Event)
    tls: ssl.SSLContext | None = None  # serve HTTPS with this context
    _server: asyncio.Server | None = None

    def url(self, path: str = "/hook") -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, ssl=self.tls
        )
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self.released.set()
        if self._server is not None:
            self._server.close()
            self._server = None

    async def wait_for(
        self, condition: Callable[[list[Received]], bool], within: float = 20.0
    ) -> list[Received]:
        """Poll until ``condition(requests)`` holds; fail after ``within`` seconds."""
        deadline = time.monotonic() + within
        while not condition(self.requests):
            if time.monotonic() > deadline:
                raise AssertionError(f"receiver: condition not met; got {len(self.requests)}")
            await asyncio.sleep(0.05)
        return self.requests

    def _answer(self) -> tuple[int, dict[str, str], bytes]:
        if self.redirect:
            return 302, {"Location": "http://127.0.0.1:9/elsewhere"}, b"moved"
        if self.fail > 0:
            self.fail -= 1
            return 500, {}, b"receiver says no " + b"x" * 2000
        return self.status, {}, b"ok"

    async def _endless(self, writer: asyncio.StreamWriter) -> None:
        """200 and body bytes until the client hangs up."""
        writer.write(f"HTTP/1.1 200 X\r\nContent-Length: {10**12}\r\n\r\n".encode())
        chunk = b"endless " * 8192
        while not writer.is_closing():
            writer.write(chunk)
            await writer.drain()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                line = await reader.readline()
                if not line:
                    break
                _method, path, _version = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = raw.decode("latin-1").partition(":")
                    headers[name.strip()] = value.strip()
                length = int(
                    next((v for k, v in headers.items() if k.lower() == "content-length"), "0")
                )
                body = await reader.readexactly(length)
                self.requests.append(Received(path, headers, body))
                if self.hang > 0:
                    self.hang -= 1
                    await self.released.wait()
                if self.endless:
                    await self._endless(writer)
                    break
                status, extra, content = self._answer()
                head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(content)}"]
                head += [f"{k}: {v}" for k, v in extra.items()]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + content)
                await writer.drain()
        writer.close()


@contextlib.asynccontextmanager
async def receiver(**script: object) -> AsyncIterator[Receiver]:
    server = Receiver(**script)  # type: ignore[arg-type]
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
