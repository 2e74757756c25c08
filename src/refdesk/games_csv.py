"""Reading a CSV of games, shared by ``refdesk games import`` (the CLI) and the web app's
``/board/import``: the columns, the checks a row gets before it is sent to the games service,
and the rule that recognises a game already imported.

Pure Python (the standard library only): the CLI imports it without the server, the server
without the SDK.

The columns are those ``refdesk games export`` writes:

    id, user_defined_id, external_id, date, time, end_time, venue, subvenue, home_team,
    away_team, age_group, pattern, league, game_type, gender, status, published,
    public_note, private_note, paid_via

``id`` is ignored (it belongs to the server that exported). The API's own field names
(``localized_date``, ``venue_name``, ``venue_id``, ``is_public``, ...) are accepted as columns
too; empty cells are left out. Cells that would start a spreadsheet formula carry a leading
``'`` in the export (:func:`csv_safe`), which reading removes (:func:`csv_restore`).

**Already imported**: a row whose ``user_defined_id`` names an existing game of the site, or
(without one) whose date, time, venue and teams match an existing game (by id or by name,
case-insensitively), is a game already imported (:class:`Known`); a later row of the same
file that matches an earlier one is the same game too.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class CsvProblem(ValueError):
    """The file as a whole cannot be read (not CSV, not UTF-8, no header, unknown column)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- cells a spreadsheet would run (CSV / formula injection) -----------------------------------

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google Sheets
# (OWASP "CSV Injection"): tab and CR too, as some programs skip them before looking.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Plain numbers are left alone: "-5" or "2.5e3" is a number to every spreadsheet, never a formula.
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def _looks_escaped(text: str) -> bool:
    """After any leading quotes, does the text start like a formula?"""
    return text.lstrip("'").startswith(FORMULA_TRIGGERS)


def csv_safe(text: str) -> str:
    """The cell as written to CSV: a leading ``'`` in front of anything that starts like a
    formula (and in front of text that already looks escaped, so :func:`csv_restore` is its
    exact inverse); plain numbers such as ``-5`` are written as they are."""
    if _looks_escaped(text) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def csv_restore(text: str) -> str:
    """A cell as read back from a CSV that :func:`csv_safe` wrote: the added ``'`` goes."""
    if text.startswith("'") and _looks_escaped(text):
        return text[1:]
    return text


# -- the columns -------------------------------------------------------------------------------

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
    raise CsvProblem(f"unknown CSV column {column!r}")


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
    problem: str | None = None  # why the row cannot be sent (None: it can)


def local_problem(fields: Mapping[str, Any]) -> str | None:
    """What is wrong with a row before the server sees it (missing columns, a bad date or
    time), else None."""
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


def read_csv(handle: Iterable[str]) -> list[Row]:
    """The rows of a CSV (lines of text, newlines kept): blank rows left out, each row with its
    line number, its API fields and its :func:`local_problem`.

    Raises :class:`CsvProblem` for a file without a header, with an unknown column or that is
    not CSV (a :class:`UnicodeDecodeError` of the handle passes through)."""
    try:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise CsvProblem("the file is empty (a header row is required)")
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
            rows.append(Row(reader.line_num, fields, local_problem(fields)))
    except csv.Error as exc:
        raise CsvProblem(f"the file is not valid CSV: {exc}") from None
    return rows


def read_bytes(data: bytes) -> list[Row]:
    """:func:`read_csv` of an uploaded file: UTF-8 (a byte order mark is allowed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvProblem("the file is not UTF-8 text (save it as “CSV UTF-8”)") from None
    if "\x00" in text:
        raise CsvProblem("the file is not CSV text (it contains NUL bytes)")
    return read_csv(io.StringIO(text, newline=""))


# -- recognising games already imported --------------------------------------------------------


def _ref_tokens(fields: Mapping[str, Any], ref: str) -> list[str]:
    tokens = []
    if fields.get(f"{ref}_id") not in (None, ""):
        tokens.append(f"id:{fields[f'{ref}_id']}")
    name = fields.get(f"{ref}_name")
    if isinstance(name, str) and name.strip():
        tokens.append(f"name:{name.strip().casefold()}")
    return tokens


def when(fields: Mapping[str, Any]) -> tuple[str, str] | None:
    """(ISO date, HH:MM) of a row, when both read."""
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
    moment = when(fields)
    if moment is None:
        return []
    refs = [_ref_tokens(fields, ref) for ref in ("venue", "home_team", "away_team")]
    return [(*moment, *combo) for combo in itertools.product(*refs)]


@dataclass
class Known:
    """The site's games the rows are checked against (and the ones this run created).

    A game is added with the fields a row would have: ``localized_date`` (ISO),
    ``localized_time`` (HH:MM), ``venue_id``/``venue_name``, ``home_team_id``/``_name``,
    ``away_team_id``/``_name`` and ``user_defined_id``."""

    by_udid: dict[str, int] = field(default_factory=dict)
    by_key: dict[tuple[str, ...], int] = field(default_factory=dict)

    def add(self, game_id: int, fields: Mapping[str, Any]) -> None:
        udid = fields.get("user_defined_id")
        if udid not in (None, ""):
            self.by_udid[str(udid).strip().casefold()] = game_id
        for key in natural_keys(fields):
            self.by_key.setdefault(key, game_id)

    def match(self, fields: Mapping[str, Any]) -> int | None:
        udid = fields.get("user_defined_id")
        if udid not in (None, ""):
            return self.by_udid.get(str(udid).strip().casefold())
        for key in natural_keys(fields):
            if key in self.by_key:
                return self.by_key[key]
        return None


def label(fields: Mapping[str, Any]) -> str:
    """``U12-7: 2026-10-10 09:00 Hawks v Owls``: a row in a report."""
    moment = when(fields)
    stamp = " ".join(moment) if moment else str(fields.get("localized_date") or "?")
    home = fields.get("home_team_name") or fields.get("home_team_id") or "?"
    away = fields.get("away_team_name") or fields.get("away_team_id") or "?"
    udid = fields.get("user_defined_id")
    prefix = f"{udid}: " if udid else ""
    return f"{prefix}{stamp} {home} v {away}"


def date_range(rows: Iterable[Row]) -> tuple[str, str] | None:
    """The first and last date of the rows (ISO), to read the existing games of."""
    days = sorted(moment[0] for row in rows if (moment := when(row.fields)) is not None)
    return (days[0], days[-1]) if days else None


@dataclass(frozen=True)
class Verdict:
    """What an import does with a row before sending it: ``skip`` (already imported, or the
    same game as an earlier row), ``invalid`` (:func:`local_problem`) or ``create``."""

    action: str  # skip, invalid, create
    game_id: int | None = None  # skip: the existing game (None: an earlier row of the file)
    message: str = ""


def classify(row: Row, known: Known) -> Verdict:
    """The import's decision for a row, in the CLI's order: a match first (a row already
    imported is skipped even when it would not be valid now), then the row's own problem.

    ``known`` holds negative ids (``-line``) for rows of this file not yet created (a dry
    run, a preview): a later row matching one is "same game as row N"."""
    match = known.match(row.fields)
    if match is not None and match < 0:
        return Verdict("skip", None, f"same game as row {-match}")
    if match is not None:
        return Verdict("skip", match, "already imported")
    if row.problem is not None:
        return Verdict("invalid", None, row.problem)
    return Verdict("create")
