"""``refdesk calendar``: your personal calendar feed (over the API, through the SDK's
``client.calendar``): its secret URL to subscribe to, and rotating it."""

from __future__ import annotations

import typer

from refdesk.cli.output import OutputFormat, api_errors, emit_one, field
from refdesk.cli.session import OutputOption, ProfileOption, open_client

calendar_app = typer.Typer(
    help="Your personal calendar feed (iCalendar) of your games in every site.",
    no_args_is_help=True,
)

COLUMNS = [field("url"), field("webcal_url", "webcal"), field("created")]
SECRET_NOTE = (
    "anyone with this URL sees your games: keep it private (`refdesk calendar rotate` makes a "
    "new one and the old one stops working)"
)


@calendar_app.command("show")
def calendar_show(profile: ProfileOption = None, output: OutputOption = OutputFormat.table) -> None:
    """Print the feed's URL (made on first use); subscribe to it in a calendar app."""
    with api_errors(), open_client(profile) as client:
        found = client.calendar.get()
    emit_one(found, COLUMNS, output, title="Calendar feed")
    if output is OutputFormat.table:
        typer.echo(SECRET_NOTE, err=True)


@calendar_app.command("rotate")
def calendar_rotate(
    profile: ProfileOption = None, output: OutputOption = OutputFormat.table
) -> None:
    """Make a new feed URL; the old one stops working at once."""
    with api_errors(), open_client(profile) as client:
        rotated = client.calendar.rotate()
    emit_one(rotated, COLUMNS, output, title="Calendar feed rotated")
    if output is OutputFormat.table:
        typer.echo("the old URL no longer works: subscribe to the new one", err=True)
