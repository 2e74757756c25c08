"""The CSV format of ``refdesk games export`` and ``refdesk games import``.

``games export`` writes these columns and ``games import`` reads them back:

    id, user_defined_id, external_id, date, time, end_time, venue, subvenue, home_team,
    away_team, age_group, pattern, league, game_type, gender, status, published,
    public_note, private_note, paid_via

``id`` is ignored on import (it belongs to the server that exported). The API's own field
names (``localized_date``, ``venue_name``, ``venue_id``, ``is_public``, ...) are accepted as
columns too; empty cells are left out. Cells that would start a spreadsheet formula carry a
leading ``'`` in the export (:func:`refdesk.games_csv.csv_safe`), which the import removes.
How rows are matched against existing games and created is in
:mod:`refdesk.cli.games_import`. Reading and checking the rows is shared with the web app's
``/board/import``: :mod:`refdesk.games_csv`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from refdesk.cli.common import CliError
from refdesk.cli.output import Column
from refdesk.cli.output import field as out_field
from refdesk.client import Resource
from refdesk.games_csv import (
    API_FIELDS,
    CSV_TO_API,
    IGNORED_COLUMNS,
    REQUIRED,
    CsvProblem,
    Row,
    parse_date,
    parse_time,
    read_csv,
)
from refdesk.games_csv import api_field as _api_field

__all__ = [
    "API_FIELDS",
    "CSV_TO_API",
    "EXPORT_COLUMNS",
    "IGNORED_COLUMNS",
    "REQUIRED",
    "Row",
    "api_field",
    "embedded_name",
    "local_date",
    "local_time",
    "parse_date",
    "parse_time",
    "read_rows",
]

# -- the CSV format ---------------------------------------------------------------------------


def embedded_name(name: str) -> Column:
    def get(game: Mapping[str, Any]) -> Any:
        item = Resource(game).embedded_one(name)
        return item.get("name") if item is not None else None

    return Column(name, get)


def local_date(game: Mapping[str, Any]) -> str | None:
    start = game.get("start_time")
    return start[:10] if isinstance(start, str) and len(start) >= 16 else None


def local_time(value: Any) -> str | None:
    return value[11:16] if isinstance(value, str) and len(value) >= 16 else None


EXPORT_COLUMNS: list[Column] = [
    out_field("id"),
    out_field("user_defined_id"),
    out_field("external_id"),
    Column("date", local_date),
    Column("time", lambda g: local_time(g.get("start_time"))),
    Column("end_time", lambda g: local_time(g.get("end_time"))),
    embedded_name("venue"),
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


def api_field(column: str) -> str | None:
    """The API field a CSV column feeds (None: ignored); unknown columns raise."""
    try:
        return _api_field(column)
    except CsvProblem as exc:
        raise CliError(exc.message) from None


# -- reading a file ----------------------------------------------------------------------------


def read_rows(path: Path) -> list[Row]:
    """The rows of the CSV file at ``path`` (:func:`refdesk.games_csv.read_csv`)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return read_csv(handle)
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None
    except CsvProblem as exc:
        raise CliError(_problem_text(path, exc)) from None


def _problem_text(path: Path, exc: CsvProblem) -> str:
    """The shared reader's message as the CLI has always said it."""
    message = exc.message
    if message.startswith("the file is empty"):
        return f"{path} is empty (a header row is required)"
    if message.startswith("the file is not valid CSV: "):
        return f"{path} is not valid CSV: {message.removeprefix('the file is not valid CSV: ')}"
    return message
