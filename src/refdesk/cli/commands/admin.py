"""``refdesk admin``: accounts, applications, sites and subscriptions, written to the database
directly (the work itself is in :mod:`refdesk.cli.admin`, imported inside each command), and
the maintenance switch (``refdesk maintenance`` and ``refdesk admin maintenance``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from refdesk.cli.common import cli_errors, load_settings, run

admin_app = typer.Typer(
    help="Accounts, applications and subscriptions (writes to the database directly).",
    no_args_is_help=True,
)


class Switch(StrEnum):
    on = "on"
    off = "off"


class Status(StrEnum):
    active = "active"
    trial = "trial"
    expired = "expired"
    suspended = "suspended"


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
    send: Annotated[
        bool,
        typer.Option("--send", help="Also e-mail the link to the account's address."),
    ] = False,
) -> None:
    """Print a one-time link at which the person sets the password of their account."""
    with cli_errors():
        settings = load_settings()
    with cli_errors(settings.effective_database_url):
        from refdesk.cli import admin

        issued = run(admin.invite(settings, login=login, base_url=base_url, send=send))
    typer.echo(issued.link)
    hours = issued.expires_in / 3600
    if issued.mailed_to:
        where = "the mail server" if settings.mail_configured else f"{settings.mail_dir}/"
        typer.echo(
            f"Queued an invitation e-mail to {issued.mailed_to} (the events worker sends it "
            f"to {where}). The link sets the account's password, works once and expires in "
            f"{hours:g} hours. Earlier links no longer work.",
            err=True,
        )
        return
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
