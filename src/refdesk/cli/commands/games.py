"""``refdesk games``: list, show, import from CSV and export to CSV (through the SDK's
``client.games``).

The CSV format is in :mod:`refdesk.cli.games_csv`; the import run (matching rows to existing
games so that re-runs are safe, and its report) is in :mod:`refdesk.cli.games_import`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from refdesk.cli.common import fail
from refdesk.cli.games_csv import EXPORT_COLUMNS, embedded_name, local_date, local_time, read_rows
from refdesk.cli.games_import import Outcome, emit_report, run_import
from refdesk.cli.output import (
    EXIT_FAILURE,
    Column,
    OutputFormat,
    api_errors,
    emit,
    emit_one,
    official_name,
)
from refdesk.cli.output import field as out_field
from refdesk.cli.session import OutputOption, ProfileOption, day, open_client
from refdesk.client import Client, GameFilters, Resource

games_app = typer.Typer(help="Games of a site: list, show, import, export.", no_args_is_help=True)

# -- commands ----------------------------------------------------------------------------------

LIST_COLUMNS = [
    out_field("id"),
    Column("date", local_date),
    Column("time", lambda g: local_time(g.get("start_time"))),
    embedded_name("venue"),
    out_field("home_team", "home"),
    out_field("away_team", "away"),
    out_field("age_group", "age group"),
    out_field("league"),
    out_field("status"),
    out_field("published"),
    Column(
        "officials",
        lambda g: "{}/{}".format(
            sum(1 for a in Resource(g).embedded_list("assignments") if a.get("assigned")),
            len(Resource(g).embedded_list("assignments")),
        ),
    ),
]

SHOW_COLUMNS = [
    *LIST_COLUMNS[:3],
    Column("end time", lambda g: local_time(g.get("end_time"))),
    *LIST_COLUMNS[3:-1],
    out_field("subvenue"),
    out_field("pattern"),
    out_field("game_type", "game type"),
    out_field("gender"),
    out_field("user_defined_id", "game id"),
    out_field("external_id", "external id"),
    out_field("public_note", "public note"),
    out_field("private_note", "private note"),
    out_field("lock_version", "lock version"),
]

SLOT_COLUMNS = [
    out_field("id", "assignment"),
    out_field("position"),
    Column("official", lambda a: official_name(Resource(a))),
    out_field("accepted"),
    out_field("declined"),
    out_field("decline_reason", "reason"),
]


def _site_games(
    client: Client,
    site: int,
    date_from: datetime | None,
    date_to: datetime | None,
    league: int | None,
) -> list[Resource]:
    """Every game of the site in the date range (of the league), 50 a page."""
    filters: GameFilters = {}
    if (start := day(date_from)) is not None:
        filters["start_date"] = start
    if (end := day(date_to)) is not None:
        filters["end_date"] = end
    if league is not None:
        filters["league_id"] = league
    return list(client.games.iter(site, limit=50, **filters))


SiteOption = Annotated[int, typer.Option("--site", help="Site id.", min=1, show_default=False)]


@games_app.command("list")
def games_list(
    site: SiteOption,
    date_from: Annotated[
        datetime,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First date (YYYY-MM-DD)."),
    ],
    date_to: Annotated[
        datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last date (YYYY-MM-DD).")
    ],
    league: Annotated[int | None, typer.Option(help="League id.", min=1)] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """A site's games between two dates (inclusive), in start-time order."""
    with api_errors(), open_client(profile) as client:
        items = _site_games(client, site, date_from, date_to, league)
    columns = EXPORT_COLUMNS if output is OutputFormat.csv else LIST_COLUMNS
    emit(items, columns, output, title=f"Games of site {site}", empty="no games")


@games_app.command("show")
def games_show(
    game_id: Annotated[int, typer.Argument(help="Game id.", min=1)],
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """One game with its slots."""
    with api_errors(), open_client(profile) as client:
        game = client.games.get(game_id)
    if output is not OutputFormat.table:
        emit_one(game, EXPORT_COLUMNS, output, title=None)
        return
    emit_one(game, SHOW_COLUMNS, output, title=f"Game {game_id}")
    emit(
        game.embedded_list("assignments"),
        SLOT_COLUMNS,
        output,
        title="Officials",
        empty="no slots",
    )


@games_app.command("import")
def games_import(
    file: Annotated[
        Path, typer.Argument(help="CSV file (the `games export` columns).", dir_okay=False)
    ],
    site: SiteOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the rows and report; create nothing.")
    ] = False,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Create games from a CSV file; rows already imported are skipped, so re-runs are safe.

    A leading ' that `games export` put in front of a cell starting with = + - @ tab or CR
    (to keep spreadsheets from running it as a formula) is removed again.
    """
    outcomes: list[Outcome] = []
    with api_errors():
        rows = read_rows(file)
        with open_client(profile) as client:
            try:
                for outcome in run_import(client, site, rows, dry_run):
                    outcomes.append(outcome)
            finally:
                if outcomes:
                    emit_report(outcomes, output, dry_run)
    if not outcomes:
        typer.echo("no rows to import")
        return
    failed = sum(1 for o in outcomes if o.status == "failed")
    if failed:
        fail(f"{failed} of {len(outcomes)} rows failed (see the report above)", EXIT_FAILURE)


@games_app.command("export")
def games_export(
    site: SiteOption,
    date_from: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First date (YYYY-MM-DD)."),
    ] = None,
    date_to: Annotated[
        datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last date (YYYY-MM-DD)."),
    ] = None,
    league: Annotated[int | None, typer.Option(help="League id.", min=1)] = None,
    profile: ProfileOption = None,
    output: Annotated[
        OutputFormat,
        typer.Option("--output", "-o", help="csv (default; `games import` reads it) or json."),
    ] = OutputFormat.csv,
) -> None:
    """A site's games as CSV that `games import` accepts back (or as JSON).

    A cell that starts with = + - @ tab or CR is written with a leading ' so that a
    spreadsheet shows it as text instead of running it as a formula (plain numbers such as
    -5 are left as they are); `games import` removes that ' again.
    """
    with api_errors(), open_client(profile) as client:
        items = _site_games(client, site, date_from, date_to, league)
    emit(items, EXPORT_COLUMNS, output, title=f"Games of site {site}", empty="no games")
