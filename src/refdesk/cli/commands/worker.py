"""``refdesk worker``: the events worker as its own process (webhook delivery, e-mail,
reminders). The worker itself is in :mod:`refdesk.server.events.worker`, imported inside the
command."""

from __future__ import annotations

from typing import Annotated

import typer

from refdesk.cli.common import cli_errors, load_settings


def worker(
    worker_id: Annotated[
        str | None, typer.Option("--id", help="Worker name in leases (default: host:pid).")
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Run one round and exit (cron, debugging).")
    ] = False,
) -> None:
    """Deliver webhooks and send e-mail until SIGTERM/SIGINT (run one or more per database)."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli.worker import run_worker

        run_worker(settings, worker_id, once=once)
