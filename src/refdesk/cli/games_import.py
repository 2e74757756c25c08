"""Running ``refdesk games import``: match CSV rows to existing games, create the rest, report.

Re-running an import is safe: a row whose ``user_defined_id`` names an existing game of the
site, or (without one) whose date, time, venue and teams match an existing game, is reported
as skipped instead of created again. The CSV format is in :mod:`refdesk.cli.games_csv`.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from refdesk.cli.games_csv import Row, local_date, local_time, parse_date, parse_time
from refdesk.cli.output import OutputFormat, console, emit, row_error
from refdesk.cli.output import field as out_field
from refdesk.client import Client, Conflict, Resource, ValidationError

# -- recognising games already imported --------------------------------------------------------


def _ref_tokens(fields: Mapping[str, Any], ref: str) -> list[str]:
    tokens = []
    if fields.get(f"{ref}_id") not in (None, ""):
        tokens.append(f"id:{fields[f'{ref}_id']}")
    name = fields.get(f"{ref}_name")
    if isinstance(name, str) and name.strip():
        tokens.append(f"name:{name.strip().casefold()}")
    return tokens


def _when(fields: Mapping[str, Any]) -> tuple[str, str] | None:
    if fields.get("date_time"):
        text = str(fields["date_time"]).strip()
        day = parse_date(text)
        clock = parse_time(text[11:16]) if len(text) >= 16 else None
    else:
        day = parse_date(str(fields.get("localized_date") or ""))
        clock = parse_time(str(fields.get("localized_time") or ""))
    if day is None or clock is None:
        return None
    return day.isoformat(), clock


def natural_keys(fields: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """Keys of (date, time, venue, home team, away team): by id and by name."""
    when = _when(fields)
    if when is None:
        return []
    refs = [_ref_tokens(fields, ref) for ref in ("venue", "home_team", "away_team")]
    return [(*when, *combo) for combo in itertools.product(*refs)]


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


@dataclass
class Known:
    """The site's games the rows are checked against (and the ones this run created)."""

    by_udid: dict[str, int] = field(default_factory=dict)
    by_key: dict[tuple[str, ...], int] = field(default_factory=dict)

    def add(self, game_id: int, fields: Mapping[str, Any]) -> None:
        udid = fields.get("user_defined_id")
        if udid not in (None, ""):
            self.by_udid[str(udid).strip().casefold()] = game_id
        for key in natural_keys(fields):
            self.by_key.setdefault(key, game_id)

    def add_game(self, game: Resource) -> None:
        if game.id is not None:
            fields = {**_game_fields(game), "user_defined_id": game.get("user_defined_id")}
            self.add(game.id, fields)

    def match(self, fields: Mapping[str, Any]) -> int | None:
        udid = fields.get("user_defined_id")
        if udid not in (None, ""):
            return self.by_udid.get(str(udid).strip().casefold())
        for key in natural_keys(fields):
            if key in self.by_key:
                return self.by_key[key]
        return None


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


def _label(fields: Mapping[str, Any]) -> str:
    when = _when(fields)
    stamp = " ".join(when) if when else str(fields.get("localized_date") or "?")
    home = fields.get("home_team_name") or fields.get("home_team_id") or "?"
    away = fields.get("away_team_name") or fields.get("away_team_id") or "?"
    udid = fields.get("user_defined_id")
    prefix = f"{udid}: " if udid else ""
    return f"{prefix}{stamp} {home} v {away}"


def _date_range(rows: Iterable[Row]) -> tuple[str, str] | None:
    days = sorted(when[0] for row in rows if (when := _when(row.fields)) is not None)
    return (days[0], days[-1]) if days else None


def _existing(client: Client, site: int, rows: Sequence[Row]) -> Known:
    known = Known()
    span = _date_range(rows)
    if span is None:
        return known
    for game in client.games.iter(site, limit=50, start_date=span[0], end_date=span[1]):
        known.add_game(game)
    return known


def _taken_udid(client: Client, site: int, udid: str) -> int | None:
    """The game holding a ``user_defined_id`` (when a create said it is taken)."""
    for game in client.games.iter(site, user_defined_id=udid):
        return game.id
    return None


def _create(client: Client, site: int, row: Row, known: Known) -> Outcome:
    label = _label(row.fields)
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
            label = _label(row.fields)
            match = known.match(row.fields)
            if match is not None and match < 0:  # an earlier row of this dry run
                yield Outcome(row.line, "skipped", None, f"same game as row {-match}", label)
            elif match is not None:
                yield Outcome(row.line, "skipped", match, "already imported", label)
            elif row.problem is not None:
                yield Outcome(row.line, "failed", None, row.problem, label)
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
