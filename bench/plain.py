"""The honest second baseline: the document built from the rows in plain Python.

The floor (bench/baseline.py) replays refdesk's SQL and sends a precomputed JSON document.
This one replays the same SQL and then builds the document from the rows, as a hand-written
endpoint without a framework or an ORM would: each row becomes a dict of its columns (the
timestamps converted to the site's zone and formatted as ISO 8601, dates as ISO dates), the
reference names, venues, officials and slots are indexed by id, and each game gets its names,
its venue and its slots (each with its official) embedded, with ``_links`` hrefs built by
f-strings; then ``orjson.dumps``. It renders every selected column under its column name, so
the documents are not byte-identical to the contract's (the report prints both sizes); the
work per row and per field is of the same kind. The access-token lookup runs, its row is not
rendered.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

Rows = tuple[list[str], list[Any]]
TIMESTAMP_COLUMNS = frozenset(
    {"created", "updated", "start_time", "end_time", "created_1", "updated_1"}
)
NAME_KINDS = (  # document field, the id column, the kind in the names statement
    ("home_team", "home_team_id", "team"),
    ("away_team", "away_team_id", "team"),
    ("age_group", "age_group_id", "age_group"),
    ("league", "league_id", "league"),
    ("game_type", "game_type_id", "game_type"),
    ("gender", "gender_id", "gender"),
    ("pattern", "pattern_id", "pattern"),
)


def value(column: str, raw: Any, zone: ZoneInfo) -> Any:
    if isinstance(raw, str) and column in TIMESTAMP_COLUMNS and len(raw) >= 19:
        raw = datetime.fromisoformat(raw)  # SQLite returns timestamps as text
    if isinstance(raw, datetime):
        if raw.tzinfo is None:
            raw = raw.replace(tzinfo=UTC)
        return raw.astimezone(zone).isoformat(timespec="milliseconds")
    if isinstance(raw, date):
        return raw.isoformat()
    return raw


def dicts(result: Rows, zone: ZoneInfo) -> list[dict[str, Any]]:
    columns, rows = result
    return [{c: value(c, v, zone) for c, v in zip(columns, row, strict=True)} for row in rows]


def find(results: list[Rows], column: str) -> list[Rows]:
    """The results that have ``column`` (each statement is recognised by a column of its own)."""
    return [r for r in results if column in r[0]]


def link(base: str, kind: str, record_id: Any) -> dict[str, Any]:
    return {"self": {"resource-type": kind, "href": f"{base}/{kind}s/{record_id}.json"}}


def games_document(results: list[Rows], base: str, zone: ZoneInfo) -> list[dict[str, Any]]:
    game_rows = [g for r in find(results, "local_date") for g in dicts(r, zone)]
    venues = {v["id"]: v for r in find(results, "street_1") for v in dicts(r, zone)}
    names = {(n["kind"], n["id"]): n["name"] for r in find(results, "kind") for n in dicts(r, zone)}
    users = {
        u["id"]: u
        for r in results
        if r[0][:3] == ["id", "first_name", "last_name"]
        for u in dicts(r, zone)
    }
    slots: defaultdict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in find(results, "position_abbreviation"):
        for slot in dicts(r, zone):
            slot["official"] = users.get(slot["official_id"])
            slot["_links"] = link(base, "assignment", slot["id"])
            slots[slot["game_id"]].append(slot)
    out = []
    for game in game_rows:
        for field, column, kind in NAME_KINDS:
            game[field] = names.get((kind, game[column]))
        game["_links"] = link(base, "game", game["id"])
        venue = venues.get(game["venue_id"])
        if venue is not None:
            venue["_links"] = link(base, "venue", venue["id"])
        game["_embedded"] = {"venue": venue, "assignments": slots.get(game["id"], [])}
        out.append(game)
    return out


def build(name: str, results: list[Rows], base: str, zone: ZoneInfo) -> Any:
    if name == "availability":
        entries = dicts(results[-1], zone)
        for entry in entries:
            entry["_links"] = link(base, "availability", entry["id"])
        return {"page": {"records": len(entries)}, "_embedded": {"availability": entries}}
    games = games_document(results, base, zone)
    if name == "game":
        return games[0] if games else None
    return {"page": {"records": len(games)}, "_embedded": {"games": games}}
