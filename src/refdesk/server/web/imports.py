"""``/board/import``: a CSV of games uploaded in the browser, previewed row by row, then
imported with progress. The reading, the row checks and the "already imported" rule are the
CLI's (:mod:`refdesk.games_csv`, shared with ``refdesk games import``).

* **Upload**: the file is read (UTF-8, at most ``max_body_bytes``, at most :data:`MAX_ROWS`
  rows) and kept server-side under a random id in ``<data_dir>/imports/<id>.json`` (0600),
  with the site, the account that uploaded it and each row's preview. Only that account sees
  it (anyone else: 404).
* **Preview**: each row is classified exactly as ``refdesk games import --dry-run`` does
  (:func:`refdesk.games_csv.classify` against the site's games in the file's date range, read
  through the games list service the API calls): *new*, *invalid* (with the reason),
  *already imported* (the existing game) or *the same game as an earlier row*.
* **Import**: per row, like the CLI (one request per row there, one transaction per row here):
  a row that the games service refuses is reported as failed and the others go on. The rows
  are classified again against the games as they are now (re-running is safe), then created
  through ``games.service.create_game`` with the input the API parses
  (``parse_game_write(fields, creating=True)``). A ``user_defined_id`` that turns out taken
  is "already imported", as in the CLI. A refusal of the person (not allowed to create games
  in the site, a lapsed subscription) stops the import with that message. The work runs in
  the server process in the background; the state file is saved after every
  :data:`BATCH` rows, which the progress page reads ("N of M rows done").
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.games_csv import Known, Row, classify, date_range, label
from refdesk.server.auth.principal import Principal
from refdesk.server.errors import (
    DomainError,
    Forbidden,
    NotFound,
    PaymentRequired,
    ValidationFailed,
)
from refdesk.server.files import PRIVATE_FILE, private_dir
from refdesk.server.games import lists, service
from refdesk.server.games.bundle import load_bundle
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import parse_game_list, parse_game_write
from refdesk.server.runtime import Runtime
from refdesk.server.timefmt import zone
from refdesk.server.web.refusals import field_errors

MAX_ROWS = 5000
BATCH = 20  # rows between two saves of the progress
LIST_LIMIT = "50"  # the games list's largest page
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
STALE_SECONDS = 120  # a running import not saved for this long has stopped (server restart)
KEEP_SECONDS = 7 * 24 * 3600  # uploads older than this are deleted at the next upload
ACTION_LABELS = {
    "create": "New",
    "invalid": "Invalid",
    "skip": "Already imported",
}
STATUS_LABELS = {"created": "Imported", "skipped": "Skipped", "failed": "Not imported"}

# imports running in this process (id -> task), so that they are not garbage-collected
_RUNNING: dict[str, asyncio.Task[None]] = {}


@dataclass
class PreviewRow:
    line: int
    label: str
    action: str  # create, invalid, skip
    game_id: int | None = None
    message: str = ""

    @property
    def action_label(self) -> str:
        if self.action == "skip" and self.game_id is None:
            return "Duplicate"
        return ACTION_LABELS.get(self.action, self.action)


@dataclass
class Outcome:
    line: int
    label: str
    status: str  # created, skipped, failed
    game_id: int | None = None
    message: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class ImportFile:
    """An uploaded CSV and what became of it (saved as JSON in the data directory)."""

    id: str
    site_id: int
    site_name: str
    account_id: int
    filename: str
    rows: list[dict[str, Any]]  # Row as dicts: line, fields, problem
    preview: list[PreviewRow]
    status: str = "preview"  # preview, running, done, stopped
    done: int = 0  # rows handled by the import so far
    outcomes: list[Outcome] = field(default_factory=list)
    error: str | None = None
    updated: float = field(default_factory=time.time)

    @property
    def total(self) -> int:
        return len(self.rows)

    def counts(self) -> dict[str, int]:
        found = {key: 0 for key in ACTION_LABELS}
        for row in self.preview:
            found[row.action] = found.get(row.action, 0) + 1
        return found

    def outcome_counts(self) -> dict[str, int]:
        found = {key: 0 for key in STATUS_LABELS}
        for outcome in self.outcomes:
            found[outcome.status] = found.get(outcome.status, 0) + 1
        return found

    @property
    def stalled(self) -> bool:
        """Running, but not in this process and not saved for a while (a restart)."""
        return (
            self.status == "running"
            and self.id not in _RUNNING
            and time.time() - self.updated > STALE_SECONDS
        )

    def row_objects(self) -> list[Row]:
        return [Row(r["line"], dict(r["fields"]), r.get("problem")) for r in self.rows]


# -- the state files ---------------------------------------------------------------------------


def store_dir(data_dir: Path) -> Path:
    return private_dir(data_dir / "imports")


def new_id() -> str:
    return secrets.token_urlsafe(18)


def valid_id(raw: str) -> bool:
    return bool(ID_PATTERN.match(raw))


def save(data_dir: Path, state: ImportFile) -> None:
    state.updated = time.time()
    folder = store_dir(data_dir)
    target = folder / f"{state.id}.json"
    temporary = folder / f".{state.id}.{secrets.token_hex(4)}.tmp"
    data = json.dumps(asdict(state), ensure_ascii=False)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(data)
    os.replace(temporary, target)


def prune(data_dir: Path, now: float | None = None) -> int:
    """Delete the uploads not touched for :data:`KEEP_SECONDS` (not the running ones);
    how many were deleted."""
    folder = data_dir / "imports"
    if not folder.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - KEEP_SECONDS
    gone = 0
    for path in folder.glob("*.json"):
        if path.stem in _RUNNING:
            continue
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < limit:
                path.unlink()
                gone += 1
    return gone


def load(data_dir: Path, import_id: str) -> ImportFile | None:
    if not valid_id(import_id):
        return None
    path = data_dir / "imports" / f"{import_id}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    data["preview"] = [PreviewRow(**p) for p in data.get("preview", [])]
    data["outcomes"] = [Outcome(**o) for o in data.get("outcomes", [])]
    return ImportFile(**data)


# -- the site's games, as the rows see them ----------------------------------------------------


async def _games(
    session: AsyncSession, principal: Principal, site_id: int, search: dict[str, str]
) -> list[Game]:
    """Every game of the site the games list service gives for ``search`` (pages of 50)."""
    found: list[Game] = []
    number = 1
    while True:
        query, page = parse_game_list({"page": str(number), "limit": LIST_LIMIT, "search": search})
        listing = await lists.site_games(session, principal, site_id, query, page)
        found.extend(listing.games)
        if not listing.games or len(found) >= listing.total:
            return found
        number += 1


async def existing(
    session: AsyncSession, principal: Principal, site_id: int, rows: list[Row]
) -> Known:
    """The site's games in the rows' date range, keyed as :class:`Known` keys rows (the CLI
    reads the same list through the API)."""
    known = Known()
    span = date_range(rows)
    if span is None:
        return known
    games = await _games(session, principal, site_id, {"start_date": span[0], "end_date": span[1]})
    if not games:
        return known
    bundle = await load_bundle(session, games)
    for game in games:
        site = bundle.sites.get(game.site_id)
        venue = bundle.venues.get(game.venue_id)
        local = game.start_time.astimezone(zone(site.timezone)) if site else game.start_time
        known.add(
            game.id,
            {
                "localized_date": local.date().isoformat(),
                "localized_time": local.strftime("%H:%M"),
                "venue_id": game.venue_id,
                "venue_name": venue.name if venue is not None else None,
                "home_team_id": game.home_team_id,
                "home_team_name": bundle.name("team", game.home_team_id),
                "away_team_id": game.away_team_id,
                "away_team_name": bundle.name("team", game.away_team_id),
                "user_defined_id": game.user_defined_id,
            },
        )
    return known


async def preview(
    session: AsyncSession, principal: Principal, site_id: int, rows: list[Row]
) -> list[PreviewRow]:
    """Each row as ``refdesk games import --dry-run`` reports it."""
    known = await existing(session, principal, site_id, rows)
    shown = []
    for row in rows:
        verdict = classify(row, known)
        if verdict.action == "create":
            known.add(-row.line, row.fields)  # a later duplicate row is a skip
        shown.append(
            PreviewRow(
                row.line, label(row.fields), verdict.action, verdict.game_id, verdict.message
            )
        )
    return shown


# -- importing ---------------------------------------------------------------------------------


class Stopped(Exception):
    """The person may not create games here: the import stops with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def problem_text(exc: DomainError) -> str:
    """A row's refusal in a sentence (the field errors of a validation failure)."""
    return field_errors(exc)


async def _taken_udid(
    runtime: Runtime, principal: Principal, site_id: int, udid: str
) -> int | None:
    async with runtime.db.transaction(write=False) as session:
        games = await _games(session, principal, site_id, {"user_defined_id": udid})
    return games[0].id if games else None


async def create_row(
    runtime: Runtime, principal: Principal, site_id: int, row: Row, known: Known
) -> Outcome:
    """One row through the games service, in a transaction of its own."""
    text = label(row.fields)
    try:
        async with runtime.db.transaction() as session:
            inp = parse_game_write(dict(row.fields), creating=True)
            game, _ = await service.create_game(session, principal, site_id, inp)
            game_id = game.id
    except ValidationFailed as exc:
        udid = row.fields.get("user_defined_id")
        if udid and "user_defined_id" in exc.errors:
            taken = await _taken_udid(runtime, principal, site_id, str(udid))
            if taken is not None:
                return Outcome(row.line, text, "skipped", taken, "already imported")
        return Outcome(row.line, text, "failed", None, problem_text(exc))
    except (Forbidden, PaymentRequired, NotFound) as exc:
        raise Stopped(exc.message) from None
    except DomainError as exc:
        return Outcome(row.line, text, "failed", None, problem_text(exc))
    known.add(game_id, row.fields)
    return Outcome(row.line, text, "created", game_id)


async def run(runtime: Runtime, principal: Principal, state: ImportFile) -> None:
    """Import the rows from ``state.done`` on (a resumed import goes on where it stopped),
    saving the progress every :data:`BATCH` rows."""
    data_dir = runtime.settings.data_dir
    rows = state.row_objects()
    try:
        async with runtime.db.transaction(write=False) as session:
            known = await existing(session, principal, state.site_id, rows)
        for index in range(state.done, len(rows)):
            row = rows[index]
            verdict = classify(row, known)
            text = label(row.fields)
            if verdict.action == "skip":
                outcome = Outcome(row.line, text, "skipped", verdict.game_id, verdict.message)
            elif verdict.action == "invalid":
                outcome = Outcome(row.line, text, "failed", None, verdict.message)
            else:
                outcome = await create_row(runtime, principal, state.site_id, row, known)
            state.outcomes.append(outcome)
            state.done = index + 1
            if state.done % BATCH == 0:
                save(data_dir, state)
        state.status = "done"
    except Stopped as exc:
        state.status = "stopped"
        state.error = exc.message
    except DomainError as exc:
        state.status = "stopped"
        state.error = exc.message
    finally:
        if state.status == "running":  # cancelled, or an unexpected failure
            state.status = "stopped"
            state.error = state.error or "The import stopped unexpectedly; continue it to go on."
        save(data_dir, state)
        _RUNNING.pop(state.id, None)


def start(runtime: Runtime, principal: Principal, state: ImportFile) -> None:
    """Mark the import running and run it in the background of this process."""
    state.status = "running"
    state.error = None
    save(runtime.settings.data_dir, state)
    task = asyncio.create_task(run(runtime, principal, state), name=f"web-import-{state.id}")
    _RUNNING[state.id] = task


def running(import_id: str) -> bool:
    return import_id in _RUNNING


async def wait_all() -> None:
    """Let the imports running in this process finish (tests, shutdown)."""
    while _RUNNING:
        tasks = list(_RUNNING.values())
        with contextlib.suppress(Exception):
            await asyncio.gather(*tasks, return_exceptions=True)


def rows_as_dicts(rows: list[Row]) -> list[dict[str, Any]]:
    return [{"line": r.line, "fields": dict(r.fields), "problem": r.problem} for r in rows]
