"""Typed inputs of the game endpoints (contract §16.3): a write, an unassign, a list query.

Parsing never raises and never reads the database: what the client got wrong is kept in
``problems`` (with today's messages, under the field name the client sent). What needs the
site (its time zone, its "today") or the database is left to the service: a naive
``date_time`` is the site's wall clock, ``today``/``tomorrow``/``yesterday`` stay a
:class:`RelativeDay`, references stay ids or names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Literal

from refdesk.server.days import Day, read_day
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import (
    INVALID,
    MAX_INT,
    is_blank,
    read_bool,
    read_datetime,
    read_int,
    read_lock_version,
    read_str,
    read_time,
)
from refdesk.server.games.days import on_calendar
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageRequest, parse_page

STATUSES = ("A", "X", "C")
NOTE_MAX = 1000
NAME_MAX = 90
END_TIME = "user_end_time_formatted"
# Plain text columns: (column, the wire names in the order they are read, maximum length).
TEXTS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("subvenue", ("subvenue",), 90),
    ("user_defined_id", ("user_defined_id",), 90),
    ("external_id", ("external_id",), 90),
    ("public_note", ("public_note_text", "public_note", "published_comment"), NOTE_MAX),
    ("private_note", ("private_note_text", "private_note", "unpublished_comment"), NOTE_MAX),
    ("paid_via", ("paid_via",), 90),
)
# References (§16.2): (id field, name field); an id wins over a name.
REFERENCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("venue_id", "venue_name"),
    ("home_team_id", "home_team_name"),
    ("away_team_id", "away_team_name"),
    ("age_group_id", "age_group_name"),
    ("league_id", "league_name"),
    ("game_type_id", "game_type_name"),
    ("gender_id", "gender_name"),
    ("pattern_id", "pattern_name"),
)
PUBLISHED_NAMES = ("is_public", "published")


@dataclass(frozen=True, kw_only=True)
class Versioned(Input):
    """An input carrying the optional ``lock_version`` of §12."""

    lock_version: int | None = None

    def raise_if_bad_lock_version(self) -> None:
        """A non-integer ``lock_version`` is a 422 of its own, before the 409 compare."""
        self.errors_of("lock_version").raise_if_any()


@dataclass(frozen=True, kw_only=True)
class GameWrite(Versioned):
    """A game create or partial update. ``UNSET``: not sent; ``None``: sent blank or null."""

    date_time: datetime | Unset = UNSET  # aware (UTC), or naive: the site's wall clock
    localized_date: Day | Unset | None = UNSET
    localized_time: time | Unset | None = UNSET
    user_end_time_formatted: time | Unset | None = UNSET
    venue_id: int | Unset | None = UNSET
    venue_name: str | Unset | None = UNSET
    home_team_id: int | Unset | None = UNSET
    home_team_name: str | Unset | None = UNSET
    away_team_id: int | Unset | None = UNSET
    away_team_name: str | Unset | None = UNSET
    age_group_id: int | Unset | None = UNSET
    age_group_name: str | Unset | None = UNSET
    league_id: int | Unset | None = UNSET
    league_name: str | Unset | None = UNSET
    game_type_id: int | Unset | None = UNSET
    game_type_name: str | Unset | None = UNSET
    gender_id: int | Unset | None = UNSET
    gender_name: str | Unset | None = UNSET
    pattern_id: int | Unset | None = UNSET
    pattern_name: str | Unset | None = UNSET
    status: str | Unset = UNSET
    published: bool | Unset = UNSET
    subvenue: str | Unset | None = UNSET
    user_defined_id: str | Unset | None = UNSET
    external_id: str | Unset | None = UNSET
    public_note: str | Unset | None = UNSET
    private_note: str | Unset | None = UNSET
    paid_via: str | Unset | None = UNSET
    assignor_id: int | Unset | None = UNSET

    def failed(self, field: str) -> bool:
        """Whether parsing found a problem with ``field`` (the service then skips it)."""
        return any(name == field for name, _ in self.problems)

    def columns(self) -> dict[str, Any]:
        """The plain columns sent: status, publication and texts."""
        names = ("status", "published", *(column for column, _, _ in TEXTS))
        return self.values_sent(*names)


def _read_start(data: dict[str, Any], errors: ErrorCollector, values: dict[str, Any]) -> None:
    """``date_time`` wins over ``localized_date``/``localized_time`` when not blank."""
    if not is_blank(data.get("date_time")):
        raw = data["date_time"]
        parsed: datetime | None = None
        if isinstance(raw, str):
            try:
                parsed = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
            except ValueError:
                parsed = None
        if parsed is None:
            errors.add("date_time", "is not a valid date")
        elif on_calendar(parsed.date(), "date_time", errors):
            parsed = parsed.replace(second=0, microsecond=0)
            values["date_time"] = parsed if parsed.tzinfo is None else parsed.astimezone(UTC)
        return
    if "localized_date" in data:
        raw = data["localized_date"]
        day: Any = None if is_blank(raw) else read_day(raw, "localized_date", errors)
        if isinstance(day, date) and not on_calendar(day, "localized_date", errors):
            day = INVALID
        if day is not INVALID:
            values["localized_date"] = day
    if "localized_time" in data:
        raw = data["localized_time"]
        clock = None if is_blank(raw) else read_time(raw, "localized_time", errors)
        if clock is not INVALID:
            values["localized_time"] = clock


def _read_references(data: dict[str, Any], errors: ErrorCollector, values: dict[str, Any]) -> None:
    for column, name_field in REFERENCE_FIELDS:
        if column in data and not is_blank(data[column]):
            ref_id = read_int(data[column], column, errors, 1, MAX_INT)
            if ref_id is not INVALID:
                values[column] = ref_id
            if name_field in data:  # ignored, but the client sent it
                values[name_field] = None
            continue
        if column in data:
            values[column] = None
        if name_field in data and not is_blank(data[name_field]):
            name = read_str(data[name_field], name_field, errors, NAME_MAX, required=True)
            if name is not INVALID:
                values[name_field] = name
        elif name_field in data:
            values[name_field] = None


def _read_plain(data: dict[str, Any], errors: ErrorCollector, values: dict[str, Any]) -> None:
    if "status" in data:
        status = read_str(data["status"], "status", errors, 1, required=True)
        if status is not INVALID:
            if status.upper() not in STATUSES:
                errors.add("status", "is not included in the list")
            else:
                values["status"] = status.upper()
    for name in PUBLISHED_NAMES:
        if name in data and not is_blank(data[name]):
            published = read_bool(data[name], name, errors)
            if published is not INVALID:
                values["published"] = published
            break
    for column, aliases, max_length in TEXTS:
        for alias in aliases:
            if alias in data:
                value = data[alias]
                if (
                    column == "external_id"
                    and isinstance(value, int)
                    and not isinstance(value, bool)
                ):
                    value = str(value)
                text = read_str(value, alias, errors, max_length)
                if text is not INVALID:
                    values[column] = text
                break
    if "assignor_id" in data:
        values["assignor_id"] = None
        if not is_blank(data["assignor_id"]):
            assignor = read_int(data["assignor_id"], "assignor_id", errors, 1, MAX_INT)
            if assignor is not INVALID:
                values["assignor_id"] = assignor


def parse_game_write(data: dict[str, Any], *, creating: bool = False) -> GameWrite:
    """A create or update body (unwrapped from ``{"game": …}``) as a :class:`GameWrite`;
    a create does not read ``lock_version``."""
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    lock_version = None if creating else read_lock_version(data, errors)
    _read_start(data, errors, values)
    _read_references(data, errors, values)
    _read_plain(data, errors, values)
    if END_TIME in data:
        raw = data[END_TIME]
        clock = None if is_blank(raw) else read_time(raw, END_TIME, errors)
        if clock is not INVALID:
            values[END_TIME] = clock
    return GameWrite(lock_version=lock_version, problems=problems_of(errors), **values)


def _game_fields() -> list[Field]:
    fields = [
        Field("date_time", "date-time", "Start; without an offset, the site's wall clock"),
        Field("localized_date", "date", "Start date in the site's zone (§11.4 forms)"),
        Field("localized_time", "time", "Start time in the site's zone"),
        Field(END_TIME, "time", "Explicit end time on the game date (earlier: next day)"),
    ]
    for column, name_field in REFERENCE_FIELDS:
        fields.append(Field(column, "id"))
        fields.append(Field(name_field, "string", "Found or created by name", NAME_MAX))
    fields.append(Field("status", "string", "A (active), X or C (cancelled); any case", 1))
    fields.append(Field(PUBLISHED_NAMES[0], "boolean", aliases=PUBLISHED_NAMES[1:]))
    for _column, aliases, max_length in TEXTS:
        fields.append(Field(aliases[0], max_length=max_length, aliases=aliases[1:]))
    fields.append(Field("assignor_id", "id"))
    fields.append(Field("lock_version", "integer", "Optimistic lock (§12)"))
    return fields


GAME_BODY = Body("Game", _game_fields(), root="game", description="A game's fields (§16.3)")


@dataclass(frozen=True, kw_only=True)
class GameUnassign(Versioned):
    """Which held slots to vacate: the named assignments, a position, or (neither) all."""

    assignment_ids: tuple[int, ...] | None = None
    position_id: int | None = None


def parse_game_unassign(data: dict[str, Any]) -> GameUnassign:
    errors = ErrorCollector()
    lock_version = read_lock_version(data, errors)
    ids: tuple[int, ...] | None = None
    raw = data.get("assignment_ids")
    if raw not in (None, "", []):
        if not isinstance(raw, list):
            errors.add("assignment_ids", "is invalid")
        else:
            wanted = [read_int(i, "assignment_ids", errors, 1, MAX_INT) for i in raw]
            ids = tuple(int(w) for w in wanted if w is not INVALID)
    position: int | None = None
    if data.get("position_id") not in (None, ""):
        value = read_int(data["position_id"], "position_id", errors, 1, MAX_INT)
        position = None if value is INVALID else int(value)
    return GameUnassign(
        lock_version=lock_version,
        assignment_ids=ids,
        position_id=position,
        problems=problems_of(errors),
    )


UNASSIGN_BODY = Body(
    "Game unassign",
    [
        Field("assignment_ids", "array", "Slots to vacate", items={"type": "integer"}),
        Field("position_id", "id", "Vacate the slots of this position"),
        Field("lock_version", "integer", "Checked against the game's (§12)"),
    ],
    root="game",
    description="Optional; without assignment_ids or position_id every held slot is vacated",
)

ListKind = Literal["all", "open", "needing", "mine"]
ID_FILTERS = ("league_id", "age_group_id", "venue_id", "game_type_id", "gender_id")
REF_FILTERS = (*ID_FILTERS, "zone_id", "team_id", "user_id")
FILTER_KEYS = tuple(
    f"search[{name}]"
    for name in (
        "start_date",
        "end_date",
        *ID_FILTERS,
        "zone_id",
        "team_id",
        "status",
        "published",
        "user_id",
        "user_defined_id",
        "external_id",
        "updated_since",
        "site_id",
    )
)


@dataclass(frozen=True, kw_only=True)
class GameListQuery(Input):
    """The list filters of §16.3.5 (``None``: not given) and which list."""

    kind: ListKind = "all"
    start_date: Day | None = None
    end_date: Day | None = None
    league_id: int | None = None
    age_group_id: int | None = None
    venue_id: int | None = None
    game_type_id: int | None = None
    gender_id: int | None = None
    zone_id: int | None = None
    team_id: int | None = None
    user_id: int | None = None
    status: tuple[str, ...] | None = None
    published: bool | None = None
    user_defined_id: str | None = None
    external_id: str | None = None
    updated_since: datetime | None = None
    site_id: int | None = None  # lists across sites only


def _search_values(query: dict[str, Any]) -> dict[str, Any]:
    search = query.get("search")
    if not isinstance(search, dict):
        return {}
    return {
        name: raw
        for name, raw in search.items()
        if not (is_blank(raw) or isinstance(raw, (dict, list)))
    }


def _read_filters(search: dict[str, Any], errors: ErrorCollector, values: dict[str, Any]) -> None:
    for name in ("start_date", "end_date"):
        if name in search:
            day = read_day(search[name], f"search[{name}]", errors)
            if day is not INVALID:
                values[name] = day
    for name in REF_FILTERS:
        if name in search:
            ref = read_int(search[name], f"search[{name}]", errors, 1, MAX_INT)
            if ref is not INVALID:
                values[name] = ref
    if "status" in search:
        codes = [s.strip().upper() for s in str(search["status"]).split(",") if s.strip()]
        if not codes or any(c not in STATUSES for c in codes):
            errors.add("search[status]", "is not included in the list")
        else:
            values["status"] = tuple(codes)
    if "published" in search:
        flag = read_bool(search["published"], "search[published]", errors)
        if flag is not INVALID:
            values["published"] = flag
    for name in ("user_defined_id", "external_id"):
        if name in search:
            values[name] = str(search[name]).strip()
    if "updated_since" in search:
        moment = read_datetime(search["updated_since"], "search[updated_since]", errors)
        if moment is not INVALID:
            values["updated_since"] = moment


def parse_game_list(
    query: dict[str, Any], kind: ListKind = "all", *, across_sites: bool = False
) -> tuple[GameListQuery, PageRequest]:
    """A list's query string: page and filters, their problems together (page first)."""
    errors = ErrorCollector()
    page = parse_page(query, errors)
    search = _search_values(query)
    values: dict[str, Any] = {}
    if across_sites and "site_id" in search:
        site = read_int(search["site_id"], "search[site_id]", errors, 1, MAX_INT)
        if site is not INVALID:
            values["site_id"] = site
    _read_filters(search, errors, values)
    return GameListQuery(kind=kind, problems=problems_of(errors), **values), page
