"""``refdesk login`` and ``refdesk profiles``: the connection profiles of the config file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refdesk.cli.common import fail
from refdesk.cli.output import EXIT_CONFIG, api_errors
from refdesk.cli.profiles import (
    DEFAULT_PROFILE,
    Profile,
    config_path,
    read_profiles,
    save_profile,
)
from refdesk.cli.session import client_for


def login(
    url: Annotated[
        str,
        typer.Option(
            prompt="API URL (e.g. https://refdesk.example.org/api/v2)",
            help="API base URL (a bare origin gets /api/v2).",
        ),
    ],
    client_id: Annotated[str, typer.Option(prompt="Client id", help="OAuth client id.")],
    client_secret: Annotated[
        str,
        typer.Option(
            prompt="Client secret",
            hide_input=True,
            help="OAuth client secret (prompted without echo when omitted).",
        ),
    ],
    token_url: Annotated[
        str | None,
        typer.Option(help="Token endpoint (default: /oauth/token on the API's origin)."),
    ] = None,
    scope: Annotated[
        str | None, typer.Option(help="Scopes to ask for (default: read write).")
    ] = None,
    ca_file: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            resolve_path=True,
            help="CA certificate to trust (the local CA of `refdesk serve`).",
        ),
    ] = None,
    profile: Annotated[str, typer.Option("--profile", "-p", help="Profile name.")] = (
        DEFAULT_PROFILE
    ),
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Verify the credentials first.")
    ] = True,
) -> None:
    """Store connection values in a profile of the per-user config file (mode 0600)."""
    entered = Profile(
        name=profile,
        url=url.strip(),
        token_url=token_url,
        client_id=client_id.strip(),
        client_secret=client_secret,
        scope=scope,
        ca_file=str(ca_file) if ca_file is not None else None,
    )
    who = ""
    with api_errors():
        if check:
            with client_for(entered) as client:
                account = client.current_account.get()
            who = f" as {account.get('name') or account.get('login')}"
        path = save_profile(entered)
    typer.echo(f"logged in to {entered.url}{who}; profile {profile!r} saved to {path}")


def profiles() -> None:
    """List the profiles of the config file (secrets are never shown)."""
    with api_errors():
        path = config_path()
        found = read_profiles(path)
    if not found:
        fail(f"no profiles in {path}; run `refdesk login`", EXIT_CONFIG)
    typer.echo(f"profiles in {path}:")
    for name in sorted(found):
        shown = found[name].describe()
        values = ", ".join(f"{k}={v}" for k, v in shown.items())
        typer.echo(f"  {name}: {values}")
