"""``refdesk serve``: migrate, optionally seed the demo, then serve HTTPS and plain HTTP from
one process (two ``uvicorn.Server`` instances on one event loop, sharing one app).

The plain-HTTP listener exists so that ``http://`` URLs get the contract's 302 to HTTPS
(§2.5); ``--insecure-http`` instead serves the API itself over plain HTTP (development only).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import logging.config
import multiprocessing
import signal
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import uvicorn
from rich.console import Console
from starlette.types import ASGIApp, Receive, Scope, Send

from refdesk.cli.common import CliError
from refdesk.cli.prepare import prepare
from refdesk.server.config import Settings
from refdesk.server.files import secure_data_dir, warn_if_world_readable
from refdesk.server.logs import logging_config
from refdesk.server.memory import cap_malloc_arenas

WILDCARD_HOSTS = ("0.0.0.0", "::", "")
log = logging.getLogger("refdesk.serve")


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    http_port: int
    demo: bool
    cert: Path | None
    key: Path | None
    insecure_http: bool
    workers: int


@dataclass(frozen=True)
class Listener:
    port: int
    tls: tuple[Path, Path] | None  # (certificate, key)
    lifespan: Literal["on", "off"]
    https_port: int | None = None  # set on the redirecting plain-HTTP listener


def url_host(host: str) -> str:
    """The host as it goes into a URL: wildcards become localhost, IPv6 gets brackets."""
    if host in WILDCARD_HOSTS:
        return "localhost"
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    except ValueError:
        pass
    return host


def is_loopback(host: str) -> bool:
    """Only this machine can connect (``localhost``, 127.0.0.0/8, ``::1``)?"""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any address


def warn_about_host_header(settings: Settings, host: str) -> None:
    """Reachable from other machines, links and the HTTPS redirect would follow whatever
    ``Host`` a client sends unless the public base URL (or the allowed hosts) is set."""
    if settings.public_base_url or settings.allowed_hosts or is_loopback(host):
        return
    log.warning(
        "REFDESK_PUBLIC_BASE_URL is not set and the server listens on %s: emitted links and "
        "the HTTP->HTTPS redirect are built from the client's Host header, which anyone can "
        "forge. Set REFDESK_PUBLIC_BASE_URL=https://your.host (or REFDESK_ALLOWED_HOSTS).",
        host or "every address",
    )


class HttpsPortHost:
    """On the plain-HTTP listener, point ``Host`` at the HTTPS port before the app's redirect.

    The app redirects to ``https://{Host}{path}`` (§2.5); behind the standard ports that is
    right as is, but locally ``Host: 127.0.0.1:8080`` would send the client to port 8080
    speaking TLS. Only the redirect and ``/healthz`` are served here, so nothing else sees it.
    """

    def __init__(self, app: ASGIApp, http_port: int, https_port: int) -> None:
        self.app = app
        self.http_port = http_port
        self.https_port = https_port

    def _rewrite(self, value: str) -> str:
        name, port = value, 80
        if value.startswith("["):
            end = value.find("]")
            name, rest = value[: end + 1], value[end + 1 :]
            if rest.startswith(":") and rest[1:].isdigit():
                port = int(rest[1:])
        elif value.count(":") == 1:
            head, _, tail = value.partition(":")
            if tail.isdigit():
                name, port = head, int(tail)
        if port != self.http_port:
            return value
        return name if self.https_port == 443 else f"{name}:{self.https_port}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [
                (k, self._rewrite(v.decode("latin-1")).encode("latin-1"))
                if k == b"host"
                else (k, v)
                for k, v in scope.get("headers", ())
            ]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Signals are handled once for every server of the process (see _serve_all).
        yield


KEEP_ALIVE_SECONDS = 75
"""Idle connections stay open longer than clients keep them (httpx: 5 s), so the client closes
first and never reuses a socket the server is closing (nginx's default)."""


def _configs(app: ASGIApp, host: str, listeners: list[Listener]) -> list[uvicorn.Config]:
    configs: list[uvicorn.Config] = []
    for listener in listeners:
        served: ASGIApp = app
        if listener.https_port is not None:
            served = HttpsPortHost(app, listener.port, listener.https_port)
        configs.append(
            uvicorn.Config(
                served,
                host=host,
                port=listener.port,
                ssl_certfile=str(listener.tls[0]) if listener.tls else None,
                ssl_keyfile=str(listener.tls[1]) if listener.tls else None,
                lifespan=listener.lifespan,
                # Forwarded headers are the app's business (trusted_proxies, contract §2.6).
                proxy_headers=False,
                server_header=False,
                timeout_graceful_shutdown=10,
                timeout_keep_alive=KEEP_ALIVE_SECONDS,
                log_level="info",
                log_config=logging_config(),  # uvicorn's, with secrets redacted
            )
        )
    return configs


async def _serve_one(server: uvicorn.Server, sockets: list[socket.socket] | None) -> int:
    """Serve until told to stop; uvicorn exits the process on a failed start, we return."""
    try:
        await server.serve(sockets=sockets)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) and exc.code else 1
    return 0


async def _serve_all(
    servers: list[uvicorn.Server], sockets: list[socket.socket] | None = None
) -> int:
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in servers:
            if server.should_exit:
                server.force_exit = True
            server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    try:
        tasks = [
            asyncio.create_task(_serve_one(server, [sockets[i]] if sockets is not None else None))
            for i, server in enumerate(servers)
        ]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        # One listener ending (shutdown, or failure to start) ends the others too.
        for server in servers:
            server.should_exit = True
        return max(await asyncio.gather(*tasks))
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def _run_process(
    settings: Settings,
    host: str,
    listeners: list[Listener],
    sockets: list[socket.socket] | None = None,
    *,
    origin: str | None = None,
    events_worker: bool = False,
) -> None:
    """Serve in this process; with ``events_worker``, run the events worker beside it."""
    from refdesk.cli.worker import with_worker
    from refdesk.server.app import create_app
    from refdesk.server.runtime import Runtime

    cap_malloc_arenas(settings.malloc_arenas)  # before any connection's thread allocates
    runtime = Runtime.build(settings)
    if origin:
        # Links in webhook bodies and e-mail when public_base_url is unset (events/links.py).
        runtime.extras["base_url"] = origin
    app = create_app(settings, runtime)
    configs = _configs(app, host, listeners)
    servers: list[uvicorn.Server] = [_Server(config) for config in configs]
    with asyncio.Runner(loop_factory=configs[0].get_loop_factory()) as runner:
        status = runner.run(with_worker(_serve_all(servers, sockets), runtime, events_worker))
    if status:
        raise CliError("the server could not start (see the messages above)", status)


def _worker(
    settings_values: dict[str, Any],
    host: str,
    listeners: list[Listener],
    sockets: list[socket.socket],
    origin: str,
    events_worker: bool,
) -> None:
    try:
        settings = Settings(**settings_values)
        _run_process(settings, host, listeners, sockets, origin=origin, events_worker=events_worker)
    except CliError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        sys.exit(exc.code)


def _run_workers(
    settings: Settings, host: str, listeners: list[Listener], workers: int, origin: str
) -> None:
    """N processes sharing the listening sockets; the parent only supervises. Only the first
    runs the in-process events worker (when enabled): one is enough on SQLite, whose writers
    queue anyway, and several would share safely but only add lock contention."""
    configs = _configs(_placeholder_app, host, listeners)
    try:
        sockets = [config.bind_socket() for config in configs]
    except SystemExit as exc:  # uvicorn has logged why (e.g. address already in use)
        raise CliError("the server could not start (see the messages above)") from exc
    context = multiprocessing.get_context("spawn")
    values = settings.model_dump()
    processes = [
        context.Process(
            target=_worker,
            args=(
                values,
                host,
                listeners,
                sockets,
                origin,
                settings.runs_worker_in_process and n == 0,
            ),
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    stopping = False

    def stop(_sig: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.is_alive():
                process.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for process in processes:
            process.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sock in sockets:
            sock.close()
    failed = [p.exitcode for p in processes if p.exitcode not in (0, -signal.SIGTERM)]
    if failed and not stopping:
        raise CliError(f"a worker process exited with status {failed[0]}")


async def _placeholder_app(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("the supervisor process serves no requests")  # pragma: no cover


def serve(settings: Settings, options: ServeOptions) -> None:
    from refdesk.server.tls import ensure_local_tls

    cap_malloc_arenas(settings.malloc_arenas)  # before any thread of this process allocates
    out = Console(soft_wrap=True, highlight=False, markup=False)
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    logging.config.dictConfig(logging_config())
    if (options.cert is None) != (options.key is None):
        raise CliError("--cert and --key must be given together")
    for path in (options.cert, options.key):
        if path is not None and not path.is_file():
            raise CliError(f"no such file: {path}")
    if options.workers < 1:
        raise CliError("--workers must be at least 1")
    if not options.insecure_http and options.port == options.http_port:
        raise CliError("--port and --http-port must differ")

    secure_data_dir(settings.data_dir)
    if options.key is not None:
        warn_if_world_readable(options.key, "the TLS private key")
    warn_about_host_header(settings, options.host)

    ca_cert: Path | None = None
    listeners: list[Listener]
    shown_host = url_host(options.host)
    if options.insecure_http:
        origin = f"http://{shown_host}:{options.http_port}"
        listeners = [Listener(options.http_port, None, "on")]
    else:
        if options.cert and options.key:
            tls = (options.cert, options.key)
        else:
            local = ensure_local_tls(settings.data_dir.resolve())
            tls, ca_cert = (local.cert, local.key), local.ca_cert
        origin = f"https://{shown_host}:{options.port}"
        listeners = [
            Listener(options.port, tls, "on"),
            Listener(options.http_port, None, "off", https_port=options.port),
        ]
    origin = settings.public_base_url or origin
    demo_links = (f"{origin}/api/v2", f"{origin}/oauth/token", ca_cert) if options.demo else None
    outcome = prepare(settings, demo_links)

    if options.insecure_http:
        err.print(
            "[bold red]WARNING: --insecure-http serves the API and OAuth over plain HTTP. "
            "Tokens and client secrets travel unencrypted; use this only for local "
            "development.[/]"
        )
    out.print(f"refdesk API: {origin}/api/v2  (token endpoint {origin}/oauth/token)")
    if not options.insecure_http:
        out.print(
            f"plain HTTP on port {options.http_port} redirects to HTTPS on port {options.port}"
        )
    if ca_cert is not None:
        out.print(f"local CA certificate (trust this to verify the server): {ca_cert}")
    if outcome is not None:
        state = "seeded" if outcome.seeded else "already seeded"
        out.print(f"demo data {state}; credentials in {outcome.path}")
        if outcome.rotated and not outcome.seeded:
            out.print(f"demo client secrets rotated: {', '.join(outcome.rotated)}")
    sys.stdout.flush()

    if settings.runs_worker_in_process:
        out.print("events worker: in-process (webhooks and e-mail are sent by this server)")
    if options.workers == 1:
        _run_process(
            settings,
            options.host,
            listeners,
            origin=origin,
            events_worker=settings.runs_worker_in_process,
        )
    else:
        _run_workers(settings, options.host, listeners, options.workers, origin)
