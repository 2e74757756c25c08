"""``refdesk serve`` as a real process on free ports, for the end-to-end CLI tests."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


@contextmanager
def running_server(
    data_dir: Path,
    log: Path,
    *extra: str,
    host: str = "127.0.0.1",
    demo: bool = True,
    env_extra: dict[str, str] | None = None,
) -> Iterator[tuple[int, int, subprocess.Popen[bytes]]]:
    https_port, http_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFDESK_")}
    env["REFDESK_DATA_DIR"] = str(data_dir)
    env.update(env_extra or {})
    command = [
        sys.executable,
        "-m",
        "refdesk.cli",
        "serve",
        *(["--demo"] if demo else []),
        "--host",
        host,
        "--port",
        str(https_port),
        "--http-port",
        str(http_port),
        *extra,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        ca = data_dir / "tls" / "ca.pem"
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer within {START_TIMEOUT} s:\n{log.read_text()}")
            if ca.exists():
                try:
                    context = ssl.create_default_context(cafile=str(ca))
                    response = httpx.get(
                        f"https://127.0.0.1:{https_port}/healthz", verify=context, timeout=2
                    )
                    if response.status_code == 200:
                        break
                except (httpx.TransportError, ssl.SSLError):
                    pass
            time.sleep(0.2)
        yield https_port, http_port, process
    finally:
        stop(process)
