"""``refdesk games``: list, show, import from CSV and export to CSV.

The CSV format is the one ``games export`` writes and ``games import`` reads back:

    id, user_defined_id, external_id, date, time, end_time, venue, subvenue, home_team,
    away_team, age_group, pattern, league, game_type, gender, status, published,
    public_note, private_note, paid_via

``id`` is ignored on import (it belongs to the server that exported). The API's own field
names (``localized_date``, ``venue_name``, ``venue_id``, ``is_public``, ...) are accepted as
columns too; empty cells are left out. Re-running an import is safe: a row whose
``user_defined_id`` names an existing game of the site, or (without one) whose date, time,
venue and teams match an existing game, is reported as skipped instead of created again.
"""

from __future__ import annotations

import csv
import itertools
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from refdesk.cli.common import CliError, fail
from refdesk.cli.daily import iso, official_name, search
from refdesk.cli.output import (
    EXIT_FAILURE,
    Column,
    OutputFormat,
    api_errors,
    console,
    emit,
    emit_one,
    row_error,
)
from refdesk.cli.output import field as out_field
from refdesk.cli.session import OutputOption, ProfileOption, open_client
from refdesk.client import Client, Conflict, Resource, ValidationError

games_app = typer.Typer(help="Games of a site: list, show, import, export.", no_args_is_help=True)

# -- the CSV format ---------------------------------------------------------------------------


def _embedded_name(name: str) -> Column:
    def get(game: Mapping[str, Any]) -> Any:
        item = Resource(game).embedded_one(name)
        return item.get("name") if item is not None else None

    return Column(name, get)


def _local_date(game: Mapping[str, Any]) -> str | None:
    start = game.get("start_time")
    return start[:10] if isinstance(start, str) and len(start) >= 16 else None


def _local_time(value: Any) -> str | None:
    return value[11:16] if isinstance(value, str) and len(value) >= 16 else None


EXPORT_COLUMNS: list[Column] = [
    out_field("id"),
    out_field("user_defined_id"),
    out_field("external_id"),
    Column("date", _local_date),
    Column("time", lambda g: _local_time(g.get("start_time"))),
    Column("end_time", lambda g: _local_time(g.get("end_time"))),
    _embedded_name("venue"),
    out_field("subvenue"),
    out_field("home_team"),
    out_field("away_team"),
    out_field("age_group"),
    out_field("pattern"),
    out_field("league"),
    out_field("game_type"),
    out_field("gender"),
    out_field("status"),
    out_field("published"),
    out_field("public_note"),
    out_field("private_note"),
    out_field("paid_via"),
]

# CSV column -> API field of a game create.
CSV_TO_API: dict[str, str] = {
    "date": "localized_date",
    "time": "localized_time",
    "end_time": "user_end_time_formatted",
    "venue": "venue_name",
    "home_team": "home_team_name",
    "away_team": "away_team_name",
    "age_group": "age_group_name",
    "pattern": "pattern_name",
    "league": "league_name",
    "game_type": "game_type_name",
    "gender": "gender_name",
    "published": "is_public",
}
API_FIELDS = frozenset(
    {
        "localized_date",
        "localized_time",
        "date_time",
        "user_end_time_formatted",
        "user_defined_id",
        "external_id",
        "subvenue",
        "status",
        "is_public",
        "public_note",
        "public_note_text",
        "private_note",
        "private_note_text",
        "paid_via",
        "assignor_id",
    }
    | {
        f"{ref}_{kind}"
        for ref in (
            "venue",
            "home_team",
            "away_team",
            "age_group",
            "pattern",
            "league",
            "game_type",
            "gender",
        )
        for kind in ("id", "name")
    }
)
IGNORED_COLUMNS = frozenset({"id"})
REQUIRED = (
    ("venue", ("venue_id", "venue_name")),
    ("home_team", ("home_team_id", "home_team_name")),
    ("away_team", ("away_team_id", "away_team_name")),
    ("age_group", ("age_group_id", "age_group_name")),
    ("pattern", ("pattern_id", "pattern_name")),
)


def api_field(column: str) -> str | None:
    """The API field a CSV column feeds (None: ignored); unknown columns raise."""
    name = column.strip().lower()
    if name in IGNORED_COLUMNS:
        return None
    if name in CSV_TO_API:
        return CSV_TO_API[name]
    if name in API_FIELDS:
        return name
    raise CliError(f"unknown CSV column {column!r}")


# -- dates and times as the server reads them (§11.4, §11.5) ----------------------------------

_TIME_12 = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)
_TIME_24 = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_date(text: str) -> date | None:
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%b %d %Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(value.replace(" ", "T", 1)).date()
    except ValueError:
        return None


def parse_time(text: str) -> str | None:
    """``HH:MM`` (24-hour) for any §11.5 time, else None."""
    value = text.strip()
    match = _TIME_12.match(value)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        hour = hour % 12 + (12 if match.group(4).lower() == "p" else 0)
        return f"{hour:02d}:{minute:02d}"
    match = _TIME_24.match(value)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        return f"{hour:02d}:{minute:02d}" if hour <= 23 and minute <= 59 else None
    return None


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
        "localized_date": _local_date(game) or "",
        "localized_time": _local_time(game.get("start_time")) or "",
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


# -- rows and results --------------------------------------------------------------------------


@dataclass
class Row:
    line: int
    fields: dict[str, Any]
    problem: str | None = None


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


def _local_problem(fields: Mapping[str, Any]) -> str | None:
    missing = [name for name, options in REQUIRED if not any(fields.get(o) for o in options)]
    if not fields.get("date_time"):
        if not fields.get("localized_date"):
            missing.insert(0, "date")
        if not fields.get("localized_time"):
            missing.insert(1 if "date" in missing else 0, "time")
    if missing:
        return "missing " + ", ".join(missing)
    if fields.get("date_time"):
        return None
    if parse_date(str(fields["localized_date"])) is None:
        return f"date {fields['localized_date']!r} is not a valid date"
    if parse_time(str(fields["localized_time"])) is None:
        return f"time {fields['localized_time']!r} is not a valid time"
    return None


def read_rows(path: Path) -> list[Row]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames:
                raise CliError(f"{path} is empty (a header row is required)")
            columns = {name: api_field(name) for name in reader.fieldnames if name is not None}
            rows = []
            for record in reader:
                fields: dict[str, Any] = {}
                for column, value in record.items():
                    target = columns.get(column) if column is not None else None
                    if target is None or value is None or not str(value).strip():
                        continue
                    fields[target] = str(value).strip()
                if not fields:
                    continue  # blank line
                rows.append(Row(reader.line_num, fields, _local_problem(fields)))
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise CliError(f"{path} is not valid CSV: {exc}") from None
    return rows


def _date_range(rows: Iterable[Row]) -> tuple[str, str] | None:
    days = sorted(when[0] for row in rows if (when := _when(row.fields)) is not None)
    return (days[0], days[-1]) if days else None


def _existing(client: Client, site: int, rows: Sequence[Row]) -> Known:
    known = Known()
    span = _date_range(rows)
    if span is None:
        return known
    params = {**search(start_date=span[0], end_date=span[1]), "limit": 50}
    for game in client.paginate(f"sites/{site}/games", "games", params=params):
        known.add_game(game)
    return known


def _taken_udid(client: Client, site: int, udid: str) -> int | None:
    """The game holding a ``user_defined_id`` (when a create said it is taken)."""
    params = search(user_defined_id=udid)
    for game in client.paginate(f"sites/{site}/games", "games", params=params):
        return game.id
    return None


def _create(client: Client, site: int, row: Row, known: Known) -> Outcome:
    label = _label(row.fields)
    try:
        created = client.post(
            f"sites/{site}/games", {"game": row.fields}, idempotency_key=str(uuid.uuid4())
        )
    except ValidationError as exc:
        udid = row.fields.get("user_defined_id")
        if udid and "user_defined_id" in exc.errors:
            existing = _taken_udid(client, site, str(udid))
            if existing is not None:
                return Outcome(row.line, "skipped", existing, "already imported", label)
        return Outcome(row.line, "failed", None, row_error(exc), label)
    except Conflict as exc:
        return Outcome(row.line, "failed", None, row_error(exc), label)
    game_id = created.id if created is not None else None
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


# -- commands ----------------------------------------------------------------------------------

LIST_COLUMNS = [
    out_field("id"),
    Column("date", _local_date),
    Column("time", lambda g: _local_time(g.get("start_time"))),
    _embedded_name("venue"),
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
    Column("end time", lambda g: _local_time(g.get("end_time"))),
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
    params = {
        **search(start_date=iso(date_from), end_date=iso(date_to), league_id=league),
        "limit": 50,
    }
    with api_errors(), open_client(profile) as client:
        items = list(client.paginate(f"sites/{site}/games", "games", params=params))
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
        game = client.get(f"games/{game_id}")
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
    """Create games from a CSV file; rows already imported are skipped, so re-runs are safe."""
    outcomes: list[Outcome] = []
    with api_errors():
        rows = read_rows(file)
        with open_client(profile) as client:
            try:
                for outcome in run_import(client, site, rows, dry_run):
                    outcomes.append(outcome)
            finally:
                if outcomes:
                    _report(outcomes, output, dry_run)
    if not outcomes:
        typer.echo("no rows to import")
        return
    failed = sum(1 for o in outcomes if o.status == "failed")
    if failed:
        fail(f"{failed} of {len(outcomes)} rows failed (see the report above)", EXIT_FAILURE)


def _report(outcomes: Sequence[Outcome], output: OutputFormat, dry_run: bool) -> None:
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
    """A site's games as CSV that `games import` accepts back (or as JSON)."""
    params = {
        **search(start_date=iso(date_from), end_date=iso(date_to), league_id=league),
        "limit": 50,
    }
    with api_errors(), open_client(profile) as client:
        items = list(client.paginate(f"sites/{site}/games", "games", params=params))
    emit(items, EXPORT_COLUMNS, output, title=f"Games of site {site}", empty="no games")
