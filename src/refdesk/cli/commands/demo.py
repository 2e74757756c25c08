"""``refdesk demo``: demo data and its credentials."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from refdesk.cli.common import CliError, cli_errors, load_settings, run

demo_app = typer.Typer(help="Demo data and its credentials.", no_args_is_help=True)


@demo_app.command("seed")
def demo_seed(
    base_url: Annotated[
        str, typer.Option(help="Origin written into demo.json.")
    ] = "https://127.0.0.1:8443",
) -> None:
    """Apply migrations, seed the demo data if not yet seeded, and write demo.json."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli.serve import seed_demo
        from refdesk.server.db.migrate import upgrade
        from refdesk.server.tls import tls_paths

        run(upgrade(settings.effective_database_url))
        origin = base_url.rstrip("/")
        ca = tls_paths(settings.data_dir.resolve()).ca_cert
        outcome = run(
            seed_demo(
                settings,
                f"{origin}/api/v2",
                f"{origin}/oauth/token",
                ca if ca.exists() else None,
            )
        )
    state = "seeded" if outcome.seeded else "already seeded"
    typer.echo(f"demo data {state}; credentials in {outcome.path}")


@demo_app.command("credentials")
def demo_credentials() -> None:
    """Print the demo clients' credentials (demo.json)."""
    with cli_errors():
        settings = load_settings()
        path = settings.data_dir / "demo.json"
        try:
            document = json.loads(path.read_text())
        except FileNotFoundError:
            raise CliError(
                f"no demo credentials at {path}; run `refdesk serve --demo` or "
                "`refdesk demo seed` first"
            ) from None
        except (OSError, ValueError) as exc:
            raise CliError(f"cannot read {path}: {exc}") from None
    typer.echo(json.dumps(document, indent=2))
