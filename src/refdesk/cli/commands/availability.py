"""``refdesk availability``: list, add and delete an official's availability entries (over the
API, through the SDK's ``client.availability``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from refdesk.cli.common import fail
from refdesk.cli.output import OutputFormat, api_errors, emit, emit_one, field
from refdesk.cli.session import OutputOption, ProfileOption, day, open_client

availability_app = typer.Typer(help="An official's availability.", no_args_is_help=True)

AVAILABILITY_COLUMNS = [
    field("id"),
    field("date"),
    field("all_day", "all day"),
    field("start_time", "start"),
    field("end_time", "end"),
    field("description"),
]


@availability_app.command("list")
def availability_list(
    user_id: Annotated[int, typer.Argument(help="User id.", min=1)],
    date_from: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First date (YYYY-MM-DD)."),
    ] = None,
    date_to: Annotated[
        datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last date (YYYY-MM-DD)."),
    ] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """A user's availability entries."""
    with api_errors(), open_client(profile) as client:
        found = client.availability.iter(user_id, start_date=day(date_from), end_date=day(date_to))
        items = list(found)
    emit(
        items,
        AVAILABILITY_COLUMNS,
        output,
        title=f"Availability of user {user_id}",
        empty="no availability entries",
    )


@availability_app.command("set")
def availability_set(
    user_id: Annotated[int, typer.Argument(help="User id.", min=1)],
    day: Annotated[
        datetime, typer.Argument(formats=["%Y-%m-%d"], help="Date (YYYY-MM-DD).", metavar="DATE")
    ],
    start: Annotated[
        str | None, typer.Option(help="Window start (e.g. 8:00 AM or 08:00); omit for all day.")
    ] = None,
    end: Annotated[str | None, typer.Option(help="Window end.")] = None,
    description: Annotated[str | None, typer.Option(help="Label (max 255).")] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Add an availability entry: all day, or a --start/--end window."""
    if (start is None) != (end is None):
        fail("give both --start and --end, or neither for an all-day entry", 2)
    body: dict[str, Any] = {"date": day.date().isoformat()}
    if start is not None:
        body.update(start_time=start, end_time=end)
    if description is not None:
        body["description"] = description
    with api_errors(), open_client(profile) as client:
        created = client.availability.create(user_id, body)
    emit_one(created, AVAILABILITY_COLUMNS, output, title="Availability entry added")


@availability_app.command("clear")
def availability_clear(
    user_id: Annotated[int, typer.Argument(help="User id.", min=1)],
    entry_id: Annotated[int, typer.Argument(help="Availability entry id.", min=1)],
    profile: ProfileOption = None,
) -> None:
    """Delete an availability entry."""
    with api_errors(), open_client(profile) as client:
        client.availability.delete(user_id, entry_id)
    typer.echo(f"deleted availability entry {entry_id} of user {user_id}")


@availability_app.command("weekly")
def availability_weekly(
    user_id: Annotated[int, typer.Option("--user", help="User id.", min=1)],
    days: Annotated[str, typer.Option(help="Weekdays, comma separated (sat,sun or saturday).")],
    start_date: Annotated[
        datetime, typer.Option("--start", formats=["%Y-%m-%d"], help="First date (YYYY-MM-DD).")
    ],
    until: Annotated[
        datetime,
        typer.Option(formats=["%Y-%m-%d"], help="Last date, inclusive (YYYY-MM-DD)."),
    ],
    time_from: Annotated[
        str | None,
        typer.Option("--from", help="Window start, site time (08:00); omit for all day."),
    ] = None,
    time_to: Annotated[str | None, typer.Option("--to", help="Window end.")] = None,
    unavailable: Annotated[
        bool, typer.Option("--unavailable", help="Clear the days instead (all day only).")
    ] = False,
    merge: Annotated[
        bool, typer.Option("--merge", help="Keep the days' other entries (default: replace).")
    ] = False,
    description: Annotated[str | None, typer.Option(help="Label (max 255).")] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Apply a weekly pattern: every matching date gets the window (or all day)."""
    if (time_from is None) != (time_to is None):
        fail("give both --from and --to, or neither for all day", 2)
    window = (time_from, time_to) if time_from is not None and time_to is not None else None
    with api_errors(), open_client(profile) as client:
        result = client.availability.weekly(
            user_id,
            days,
            start_date.date(),
            until.date(),
            window=window,
            available=False if unavailable else None,
            mode="merge" if merge else None,
            description=description,
        )
    entries = result.embedded_list("availability")
    counts = f"{result['created']} created, {result['deleted']} deleted, {result['kept']} kept"
    if output is OutputFormat.table:
        typer.echo(f"user {user_id}, {start_date.date()} to {until.date()}: {counts}")
    emit(
        entries,
        AVAILABILITY_COLUMNS,
        output,
        title="Availability",
        empty="no entries on those days",
    )
