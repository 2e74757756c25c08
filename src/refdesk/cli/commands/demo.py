"""``refdesk demo``: demo data and its credentials."""

from __future__ import annotations

import json
from typing import Annotated, Any

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
        from refdesk.cli.prepare import seed_demo
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


def _table(document: dict[str, Any]) -> str:
    """Sign-in logins and client credentials per role, one line each."""
    lines = [f"web sign-in at {_origin(document)}/  (login / password per role)"]
    logins = document.get("logins")
    for role, entry in (logins if isinstance(logins, dict) else {}).items():
        lines.append(f"  {role:<22} {entry.get('login')}  {entry.get('password')}")
    lines.append(f"API clients, token URL {document.get('token_url')}  (client_id / client_secret)")
    clients = document.get("clients")
    for role, entry in (clients if isinstance(clients, dict) else {}).items():
        lines.append(f"  {role:<22} {entry.get('client_id')}  {entry.get('client_secret')}")
    return "\n".join(lines)


def _origin(document: dict[str, Any]) -> str:
    base = str(document.get("base_url") or "")
    return base.removesuffix("/api/v2")


@demo_app.command("credentials")
def demo_credentials(
    table: Annotated[
        bool, typer.Option("--table", help="One line per role instead of demo.json.")
    ] = False,
) -> None:
    """Print the demo credentials (demo.json): a login and password per demo role
    (``logins``, to sign in) and the API clients (``clients``)."""
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
    if table and isinstance(document, dict):
        typer.echo(_table(document))
    else:
        typer.echo(json.dumps(document, indent=2))
