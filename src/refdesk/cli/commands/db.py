"""``refdesk db``: the database schema."""

from __future__ import annotations

import typer

from refdesk.cli.common import cli_errors, load_settings, run

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli.admin import db_upgrade as upgrade

        revision = run(upgrade(settings))
    typer.echo(f"database is at revision {revision}")
