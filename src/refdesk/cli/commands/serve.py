"""``refdesk serve``: migrations, then the API over HTTPS (the server itself is in
:mod:`refdesk.cli.serve`, imported inside the command)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refdesk.cli.common import cli_errors, load_settings


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTPS port.", min=1, max=65535)] = 8443,
    http_port: Annotated[
        int, typer.Option(help="Plain-HTTP port (redirects to HTTPS).", min=1, max=65535)
    ] = 8080,
    demo: Annotated[bool, typer.Option("--demo", help="Seed demo data, write demo.json.")] = False,
    cert: Annotated[
        Path | None, typer.Option(help="TLS certificate (PEM) instead of the local CA's.")
    ] = None,
    key: Annotated[Path | None, typer.Option(help="Private key (PEM) for --cert.")] = None,
    insecure_http: Annotated[
        bool,
        typer.Option("--insecure-http", help="Serve the API over plain HTTP only (development)."),
    ] = False,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: REFDESK_WORKERS or 1).", min=1)
    ] = None,
) -> None:
    """Apply migrations, then serve the API over HTTPS (and plain HTTP that redirects)."""
    overrides: dict[str, object] = {"workers": workers}
    if insecure_http:
        overrides.update(force_https=False, hsts=False)
    with cli_errors():
        settings = load_settings(**overrides)
    with cli_errors(settings.effective_database_url):
        from refdesk.cli.serve import ServeOptions
        from refdesk.cli.serve import serve as run_server

        settings.effective_secret_key()  # create it once, before any worker starts
        run_server(
            settings,
            ServeOptions(
                host=host,
                port=port,
                http_port=http_port,
                demo=demo,
                cert=cert,
                key=key,
                insecure_http=insecure_http,
                workers=settings.workers,
            ),
        )
