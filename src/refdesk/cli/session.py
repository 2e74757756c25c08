"""Building the SDK client for a command from its profile, and the options every daily-work
command shares (``--profile``, ``--output``)."""

from __future__ import annotations

import ssl
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from refdesk.cli.common import CliError
from refdesk.cli.output import EXIT_CONFIG, OutputFormat
from refdesk.cli.profiles import Profile, load_profile
from refdesk.client import Client

# The daily work writes (assign, import, ...): ask for both unless the profile says otherwise.
DEFAULT_SCOPE = "read write"
# Extra keyword arguments for every Client the CLI builds. Empty in normal use; tests put an
# in-process ``transport`` (and a quick retry policy) here.
CLIENT_OPTIONS: dict[str, Any] = {}

ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        "-p",
        help="Profile from the config file (default: $REFDESK_PROFILE or 'default').",
        show_default=False,
    ),
]
OutputOption = Annotated[
    OutputFormat,
    typer.Option(
        "--output",
        "-o",
        help="table (default), or json / csv for scripts. CSV cells that start with = + - @ "
        "tab or CR get a leading ' so spreadsheets do not run them as formulas.",
    ),
]


def day(value: datetime | None) -> date | None:
    """The date of a ``--from``/``--to`` option (Typer parses those as date-times)."""
    return value.date() if value is not None else None


def client_for(profile: Profile) -> Client:
    """A client with the profile's values only (the environment is already merged in)."""
    if not profile.url:
        raise CliError(
            f"no server URL for profile {profile.name!r}: run `refdesk login` or set REFDESK_URL",
            EXIT_CONFIG,
        )
    if not profile.client_id or not profile.client_secret:
        raise CliError(
            f"no client credentials for profile {profile.name!r}: run `refdesk login` or set "
            "REFDESK_CLIENT_ID and REFDESK_CLIENT_SECRET",
            EXIT_CONFIG,
        )
    options: dict[str, Any] = {"environ": {}}
    options.update(CLIENT_OPTIONS)
    try:
        return Client(
            profile.url,
            token_url=profile.token_url,
            client_id=profile.client_id,
            client_secret=profile.client_secret,
            scope=profile.scope or DEFAULT_SCOPE,
            verify=Path(profile.ca_file) if profile.ca_file else True,
            **options,
        )
    except (ssl.SSLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc.strerror or str(exc)
        raise CliError(f"cannot use the CA file {profile.ca_file}: {reason}", EXIT_CONFIG) from None


def open_client(profile_name: str | None) -> Client:
    return client_for(load_profile(profile_name))
