"""``refdesk sites``: the sites you belong to."""

from __future__ import annotations

import typer

from refdesk.cli.output import OutputFormat, api_errors, emit, field
from refdesk.cli.session import OutputOption, ProfileOption, open_client

sites_app = typer.Typer(help="Sites you belong to.", no_args_is_help=True)

SITE_COLUMNS = [
    field("id"),
    field("name"),
    field("timezone"),
    field("subscription_status", "subscription"),
]


@sites_app.command("list")
def sites_list(profile: ProfileOption = None, output: OutputOption = OutputFormat.table) -> None:
    """The sites where you have a user."""
    with api_errors(), open_client(profile) as client:
        items = list(client.sites.iter())
    emit(items, SITE_COLUMNS, output, title="Sites", empty="no sites")
