"""Running ``refdesk games import``: match CSV rows to existing games, create the rest, report.

Re-running an import is safe: a row whose ``user_defined_id`` names an existing game of the
site, or (without one) whose date, time, venue and teams match an existing game, is reported
as skipped instead of created again (the rule, shared with the web app's import, is
:class:`refdesk.games_csv.Known`). Rows are created one request each: a failed row is reported
and the others go on. The CSV format is in :mod:`refdesk.cli.games_csv`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from refdesk.cli.games_csv import local_date, local_time
from refdesk.cli.output import OutputFormat, console, emit, row_error
from refdesk.cli.output import field as out_field
from refdesk.client import Client, Conflict, Resource, ValidationError
from refdesk.games_csv import Known, Row, classify, date_range
from refdesk.games_csv import label as row_label

# -- recognising games already imported (the rule is in refdesk.games_csv) ---------------


def _game_fields(game: Resource) -> dict[str, Any]:
    venue = game.embedded_one("venue")
    return {
        "localized_date": local_date(game) or "",
        "localized_time": local_time(game.get("start_time")) or "",
        "venue_id": game.get("venue_id"),
        "venue_name": venue.get("name") if venue is not None else None,
        "home_team_id": game.get("home_team_id"),
        "home_team_name": game.get("home_team"),
        "away_team_id": game.get("away_team_id"),
        "away_team_name": game.get("away_team"),
    }


def add_game(known: Known, game: Resource) -> None:
    """An existing game of the site, as read from the API."""
    if game.id is not None:
        known.add(game.id, {**_game_fields(game), "user_defined_id": game.get("user_defined_id")})


# -- results -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    line: int
    status: str  # created, skipped, failed, would create
    game_id: int | None = None
    message: str = ""
    label: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.line,
            "status": self.status,
            "game_id": self.game_id,
            "game": self.label,
            "message": self.message,
        }


REPORT_COLUMNS = [
    out_field("row"),
    out_field("status"),
    out_field("game_id", "game id"),
    out_field("game"),
    out_field("message"),
]


def _existing(client: Client, site: int, rows: Sequence[Row]) -> Known:
    known = Known()
    span = date_range(rows)
    if span is None:
        return known
    for game in client.games.iter(site, limit=50, start_date=span[0], end_date=span[1]):
        add_game(known, game)
    return known


def _taken_udid(client: Client, site: int, udid: str) -> int | None:
    """The game holding a ``user_defined_id`` (when a create said it is taken)."""
    for game in client.games.iter(site, user_defined_id=udid):
        return game.id
    return None


def _create(client: Client, site: int, row: Row, known: Known) -> Outcome:
    label = row_label(row.fields)
    try:
        created = client.games.create(site, row.fields, idempotency_key=str(uuid.uuid4()))
    except ValidationError as exc:
        udid = row.fields.get("user_defined_id")
        if udid and "user_defined_id" in exc.errors:
            existing = _taken_udid(client, site, str(udid))
            if existing is not None:
                return Outcome(row.line, "skipped", existing, "already imported", label)
        return Outcome(row.line, "failed", None, row_error(exc), label)
    except Conflict as exc:
        return Outcome(row.line, "failed", None, row_error(exc), label)
    game_id = created.id
    if game_id is not None:
        known.add(game_id, row.fields)
    return Outcome(row.line, "created", game_id, "", label)


def _progress() -> Progress:
    return Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console(stderr=True),
        transient=True,
    )


def run_import(client: Client, site: int, rows: Sequence[Row], dry_run: bool) -> Iterator[Outcome]:
    known = _existing(client, site, rows)
    with _progress() as progress:
        task = progress.add_task("rows", total=len(rows))
        for row in rows:
            label = row_label(row.fields)
            verdict = classify(row, known)
            if verdict.action == "skip":
                yield Outcome(row.line, "skipped", verdict.game_id, verdict.message, label)
            elif verdict.action == "invalid":
                yield Outcome(row.line, "failed", None, verdict.message, label)
            elif dry_run:
                known.add(-row.line, row.fields)  # a later duplicate row is a skip
                yield Outcome(row.line, "would create", None, "", label)
            else:
                yield _create(client, site, row, known)
            progress.advance(task)


def emit_report(outcomes: Sequence[Outcome], output: OutputFormat, dry_run: bool) -> None:
    emit(
        [o.as_dict() for o in outcomes],
        REPORT_COLUMNS,
        output,
        title="Import (dry run)" if dry_run else "Import",
    )
    counts = {
        status: sum(1 for o in outcomes if o.status == status)
        for status in ("would create" if dry_run else "created", "skipped", "failed")
    }
    summary = ", ".join(f"{status} {n}" for status, n in counts.items())
    typer.echo(f"{summary} (of {len(outcomes)} rows)", err=output is not OutputFormat.table)
