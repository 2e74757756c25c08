"""Support for the scale-out and fault tests: real ``refdesk serve --insecure-http`` processes
on free loopback ports, and a small asyncio TCP proxy used to simulate a database outage."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.factories import Member

START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """One ``refdesk serve --insecure-http`` process; ``start`` waits for ``/healthz``."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def launch(self) -> subprocess.Popen[bytes]:
        command = [
            sys.executable,
            "-m",
            "refdesk.cli",
            "serve",
            "--insecure-http",
            "--host",
            "127.0.0.1",
            "--http-port",
            str(self.port),
        ]
        with self.log.open("ab") as out:
            return subprocess.Popen(command, env=self.env, stdout=out, stderr=subprocess.STDOUT)

    async def start(self) -> None:
        self.process = self.launch()
        deadline = time.monotonic() + START_TIMEOUT
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"server exited with {self.process.returncode}:\n{self.log_text()}"
                    )
                if time.monotonic() > deadline:
                    raise AssertionError(f"server did not start:\n{self.log_text()}")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{self.base_url}/healthz")).status_code in (200, 503):
                        return
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush — a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


def server_env(
    database_url: str, data_dir: Path, redis_url: str | None, secret_key: str, **extra: str
) -> dict[str, str]:
    """The environment of a server process: nothing of the caller's ``REFDESK_*`` leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFDESK_")}
    env.update(
        {
            "REFDESK_DATABASE_URL": database_url,
            "REFDESK_DATA_DIR": str(data_dir),
            "REFDESK_SECRET_KEY": secret_key,
            "REFDESK_PASSWORD_TIME_COST": "1",
            "REFDESK_PASSWORD_MEMORY_COST": "1024",
            "REFDESK_FLAG_REFRESH_SECONDS": "0",
            "REFDESK_UNAVAILABLE_RETRY_AFTER": "7",
        }
    )
    if redis_url:
        env["REFDESK_REDIS_URL"] = redis_url
    env.update(extra)
    return env


class TcpProxy:
    """A loopback TCP proxy in front of a real server (here PostgreSQL).

    ``stop()`` closes the listener and drops every proxied connection, so to its clients the
    upstream looks down (connections reset, new ones refused); ``start()`` listens again on
    the same port. The upstream itself is never touched.
    """

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            for w in (writer, up_writer):
                self._writers.discard(w)
                w.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.transport.abort()


# The type of the ``spawn`` fixture (tests/scaleout/conftest.py).
Spawn = Callable[..., Awaitable[ServerProcess]]


async def setup_game(client: httpx.AsyncClient, base_url: str, assignor: Member, site: int) -> int:
    pattern = await client.post(
        f"{base_url}/api/v2/sites/{site}/patterns",
        json={"name": "2 officials", "positions": ["Referee", "Assistant Referee"]},
        headers=assignor.headers,
    )
    assert pattern.status_code == 201, pattern.text
    game = await client.post(
        f"{base_url}/api/v2/sites/{site}/games",
        json={
            "game": {
                "localized_date": "10/11/2026",
                "localized_time": "9:00 AM",
                "venue_name": "Riverside Park",
                "home_team_name": "Hawks",
                "away_team_name": "Falcons",
                "age_group_name": "U12 Boys",
                "pattern_name": "2 officials",
                "league_name": "Harbor League",
            }
        },
        headers=assignor.headers,
    )
    assert game.status_code == 201, game.text
    assert game.json()["lock_version"] == 0
    return int(game.json()["id"])
