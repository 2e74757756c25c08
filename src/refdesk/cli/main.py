"""The ``refdesk`` command line (Typer + Rich).

Server commands (``serve``, ``db``, ``maintenance``, ``demo``, ``admin``) import the server
inside the command body, so importing this module needs only typer and rich. Settings come from
``REFDESK_*`` environment variables; command-line flags override them.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from refdesk.cli import availability, daily, games
from refdesk.cli.common import CliError, cli_errors, load_settings, run

app = typer.Typer(
    name="refdesk",
    help="refdesk: a self-hostable, Assignr API v2 compatible officials-assigning server.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    # Plain click formatting: a usage error ends in one "Error: ..." line, not a wrapped box.
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data and its credentials.", no_args_is_help=True)
admin_app = typer.Typer(
    help="Accounts, applications and subscriptions (writes to the database directly).",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(admin_app, name="admin")
# Daily work over the API (SDK only): login, sites, games, assignments, availability, statements.
daily.register(app)
app.add_typer(availability.availability_app, name="availability")
app.add_typer(games.games_app, name="games")


class Switch(StrEnum):
    on = "on"
    off = "off"


class Status(StrEnum):
    active = "active"
    trial = "trial"
    expired = "expired"
    suspended = "suspended"


@app.command()
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


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli.admin import db_upgrade as upgrade

        revision = run(upgrade(settings))
    typer.echo(f"database is at revision {revision}")


@app.command()
def maintenance(
    state: Annotated[Switch, typer.Argument(help="on: answer 503 maintenance; off: serve.")],
) -> None:
    """Switch maintenance mode for every running server process."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli.admin import set_maintenance

        run(set_maintenance(settings, state is Switch.on))
    typer.echo(
        f"maintenance mode {state.value}; running servers notice within "
        f"{settings.flag_refresh_seconds:g} s"
    )


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


@admin_app.command("create-account")
def create_account(
    login: Annotated[str, typer.Option(help="Login name (stored lower-case).")],
    email: Annotated[str, typer.Option(help="E-mail address.")],
    first_name: Annotated[str, typer.Option(help="First name.")],
    last_name: Annotated[str, typer.Option(help="Last name.")],
    password: Annotated[
        str | None, typer.Option(help="Password (8-128 characters); omit for none.")
    ] = None,
    operator: Annotated[
        bool, typer.Option("--operator", help="Make the account an operator.")
    ] = False,
) -> None:
    """Create an account (the first one of an installation is usually an operator)."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli import admin

        created = run(
            admin.create_account(
                settings,
                login=login,
                email=email,
                first_name=first_name,
                last_name=last_name,
                password=password,
                operator=operator,
            )
        )
    kind = "operator account" if created.operator else "account"
    typer.echo(f"created {kind} {created.id} with login {created.login}")


@admin_app.command("invite")
def invite(
    login: Annotated[str, typer.Option(help="Login or e-mail of the account.")],
    base_url: Annotated[
        str | None,
        typer.Option(help="Public base URL of the server (default: REFDESK_PUBLIC_BASE_URL)."),
    ] = None,
) -> None:
    """Print a one-time link at which the person sets the password of their account."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli import admin

        issued = run(admin.invite(settings, login=login, base_url=base_url))
    typer.echo(issued.link)
    hours = issued.expires_in / 3600
    typer.echo(
        f"Send this link to the owner of {issued.login} only; it sets the account's password, "
        f"works once and expires in {hours:g} hours. Earlier links no longer work.",
        err=True,
    )


@admin_app.command("create-application")
def create_application(
    login: Annotated[str, typer.Option(help="Login of the owning account.")],
    name: Annotated[str, typer.Option(help="Application name.")],
    scopes: Annotated[
        str, typer.Option(help='Space-separated scopes from "read write bank".')
    ] = "read write",
) -> None:
    """Create a confidential OAuth application; prints its client secret once."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli import admin

        created = run(admin.create_app_for(settings, login=login, name=name, scopes=scopes))
    typer.echo(f"created application {created.id} ({created.name}) for {created.login}")
    typer.echo(f"scopes: {created.scopes}")
    typer.echo(f"client_id: {created.client_id}")
    typer.echo(f"client_secret: {created.client_secret}")
    typer.echo("The client secret is shown only now; store it safely.", err=True)


@admin_app.command("create-site")
def create_site(
    login: Annotated[str, typer.Option(help="Login of the account that becomes its assignor.")],
    name: Annotated[str, typer.Option(help="Site name.")],
    timezone: Annotated[
        str | None, typer.Option(help="IANA time zone, e.g. America/New_York.")
    ] = None,
) -> None:
    """Create a site with the account as its first assignor."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli import admin

        created = run(admin.create_site_for(settings, login=login, name=name, timezone=timezone))
    typer.echo(
        f"created site {created.id} ({created.name}, {created.timezone}) "
        f"with assignor {created.assignor_login}"
    )


# The operator's maintenance switch is also reachable as `refdesk admin maintenance on|off`.
admin_app.command("maintenance")(maintenance)


@admin_app.command("set-subscription")
def set_subscription(
    site_id: Annotated[int, typer.Argument(help="Site id.")],
    status: Annotated[Status | None, typer.Option(help="Subscription status.")] = None,
    expires_on: Annotated[
        str | None, typer.Option(help="Expiry date (YYYY-MM-DD), or 'none' to clear.")
    ] = None,
    plan: Annotated[str | None, typer.Option(help="Plan name, or 'none' to clear.")] = None,
    official_limit: Annotated[
        str | None, typer.Option(help="Maximum active officials, or 'none' to clear.")
    ] = None,
) -> None:
    """Change a site's subscription (status, expiry, plan, official limit)."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli import admin

        data: dict[str, object] = {}
        if status is not None:
            data["status"] = status.value
        for name, value in (
            ("expires_on", expires_on),
            ("plan", plan),
            ("official_limit", official_limit),
        ):
            if value is not None:
                data[name] = admin.blank_to_none(value)
        state = run(admin.set_subscription(settings, site_id, data))
    expiry = state.expires_on.isoformat() if state.expires_on else "never"
    typer.echo(
        f"site {state.site_id} ({state.site_name}): subscription {state.status}, "
        f"expires {expiry}, {'active' if state.active else 'not active (402)'}"
    )


def main() -> None:  # pragma: no cover - console-script style entry
    app(prog_name="refdesk")
