"""The CSV format of ``refdesk games export`` and ``refdesk games import``.

``games export`` writes these columns and ``games import`` reads them back:

    id, user_defined_id, external_id, date, time, end_time, venue, subvenue, home_team,
    away_team, age_group, pattern, league, game_type, gender, status, published,
    public_note, private_note, paid_via

``id`` is ignored on import (it belongs to the server that exported). The API's own field
names (``localized_date``, ``venue_name``, ``venue_id``, ``is_public``, ...) are accepted as
columns too; empty cells are left out. Cells that would start a spreadsheet formula carry a
leading ``'`` in the export (:func:`refdesk.cli.output.csv_safe`), which the import removes.
How rows are matched against existing games and created is in
:mod:`refdesk.cli.games_import`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from refdesk.cli.common import CliError
from refdesk.cli.output import Column, csv_restore
from refdesk.cli.output import field as out_field
from refdesk.client import Resource

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


# -- reading a file ----------------------------------------------------------------------------


@dataclass
class Row:
    line: int
    fields: dict[str, Any]
    problem: str | None = None


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
                    fields[target] = csv_restore(str(value).strip())
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
