"""Typed inputs of the reference kinds (contract §18.1–18.2): one frozen write per kind and
the list query, each parsed from a wire dict (or a web form decoded the same way).

A kind's :class:`~refdesk.server.inputs.Body` table drives its parse: every row is read in
table order by :func:`read_body` (strings, ids, integers, numbers), except the rows a kind
reads itself (``fees``, ``positions``, ``country``, ``lock_version``). Parsing never raises and
needs no database: "has already been taken", "does not exist" and the fields required on
create are checked by the service (``reference/service.py``), which keeps the check order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import (
    INVALID,
    MAX_INT,
    is_blank,
    read_int,
    read_money,
    read_number,
    read_str,
)
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageRequest, parse_page

Reader = Callable[[dict[str, Any], ErrorCollector], Any]
"""A kind's own reader of one row: the value, or ``UNSET`` (not sent, or a problem)."""

MAX_FEES = 500
MAX_PATTERN_POSITIONS = 20


# Table-driven reading --------------------------------------------------------------------------


def sent_as(data: dict[str, Any], field: Field) -> str | None:
    """The name (the field's or an alias) under which the client sent ``field``, if any."""
    return next((name for name in (field.name, *field.aliases) if name in data), None)


def read_field(data: dict[str, Any], field: Field, errors: ErrorCollector) -> Any:
    """One row of a table: ``UNSET`` when not sent or invalid (the problem is recorded under
    the name the client used), ``None`` for a blank optional value."""
    name = sent_as(data, field)
    if name is None:
        return UNSET
    value = data[name]
    if field.kind == "string":
        text = read_str(value, name, errors, field.max_length or 255, required=not field.nullable)
        return UNSET if text is INVALID else text
    if is_blank(value):
        if field.nullable:
            return None
        errors.add(name, "can't be blank")
        return UNSET
    if field.kind == "id":
        number = read_int(value, name, errors, 1, MAX_INT)
    elif field.kind == "integer":
        low = None if field.minimum is None else int(field.minimum)
        high = None if field.maximum is None else int(field.maximum)
        number = read_int(value, name, errors, low, high)
    elif field.kind == "number":
        low_f = float("-inf") if field.minimum is None else field.minimum
        high_f = float("inf") if field.maximum is None else field.maximum
        number = read_number(value, name, errors, low_f, high_f)
    else:  # pragma: no cover - a table row without a reader is a programming error
        raise TypeError(f"{field.name}: no table reader for kind {field.kind!r}")
    return UNSET if number is INVALID else number


def read_body(
    data: dict[str, Any],
    body: Body,
    errors: ErrorCollector,
    own: Mapping[str, Reader] | None = None,
) -> dict[str, Any]:
    """Every row of ``body`` in table order; ``own`` readers replace the generic one. Returns
    the values that were sent and valid, by field name."""
    values: dict[str, Any] = {}
    for field in body.fields:
        reader = (own or {}).get(field.name)
        value = reader(data, errors) if reader else read_field(data, field, errors)
        if value is not UNSET:
            values[field.name] = value
    return values


# Inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReferenceWrite(Input):
    """A create or a partial update of one reference record. ``UNSET``: not sent.

    ``name`` is required on create and unique in the site; both are checked by the service.
    ``lock_version`` is read only for versioned kinds (venues).
    """

    NOT_COLUMNS: ClassVar[frozenset[str]] = frozenset({"problems", "lock_version"})

    name: str | Unset = UNSET
    lock_version: int | None = None

    def columns(self) -> dict[str, Any]:
        """The sent values of the record's own columns."""
        names = (f.name for f in dataclasses.fields(self) if f.name not in self.NOT_COLUMNS)
        return self.values_sent(*names)


@dataclass(frozen=True, kw_only=True)
class NamedWrite(ReferenceWrite):
    """Leagues, game types, genders: a name only."""


@dataclass(frozen=True, kw_only=True)
class TeamWrite(ReferenceWrite):
    league_id: int | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class GroupWrite(ReferenceWrite):
    description: str | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class PositionWrite(ReferenceWrite):
    """A missing or blank ``abbreviation`` becomes the name's initials."""

    abbreviation: str | Unset | None = UNSET
    group_id: int | Unset | None = UNSET


@dataclass(frozen=True)
class Fee:
    pattern_id: int
    position_id: int
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class AgeGroupWrite(ReferenceWrite):
    """``fees`` replaces the age group's fee table (empty: no fees)."""

    NOT_COLUMNS: ClassVar[frozenset[str]] = ReferenceWrite.NOT_COLUMNS | {"fees"}

    game_length: int | Unset = UNSET
    min_official_age: int | Unset | None = UNSET
    fees: tuple[Fee, ...] | Unset = UNSET


@dataclass(frozen=True)
class NewPosition:
    """A pattern entry given by name: the site's position of that name, created if missing."""

    name: str
    abbreviation: str | None = None


@dataclass(frozen=True, kw_only=True)
class PatternWrite(ReferenceWrite):
    """``positions``: the ordered list, as position ids or names (required on create)."""

    NOT_COLUMNS: ClassVar[frozenset[str]] = ReferenceWrite.NOT_COLUMNS | {"positions"}

    positions: tuple[int | NewPosition, ...] | Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class ReferenceQuery(Input):
    """A list's page and its ``search[name]`` filter (a case-insensitive substring)."""

    page: PageRequest
    name: str | None = None


def parse_reference_query(query: dict[str, Any]) -> ReferenceQuery:
    errors = ErrorCollector()
    page = parse_page(query, errors)
    search = query.get("search")
    name = search.get("name") if isinstance(search, dict) else None
    stripped = name.strip() if isinstance(name, str) and name.strip() else None
    return ReferenceQuery(page=page, name=stripped, problems=problems_of(errors))


# Tables and parsers --------------------------------------------------------------------------

NAME = Field(
    "name", max_length=90, nullable=False, description="Unique in the site; required on create"
)


def _body(title: str, root: str, *fields: Field) -> Body:
    return Body(title, (NAME, *fields), root=root)


LEAGUE_BODY = _body("League", "league")
GAME_TYPE_BODY = _body("Game type", "game_type")
GENDER_BODY = _body("Gender", "gender")
TEAM_BODY = _body("Team", "team", Field("league_id", "id", "A league of the same site"))
GROUP_BODY = _body("Group", "group", Field("description", max_length=255))
POSITION_BODY = _body(
    "Position",
    "position",
    Field("abbreviation", max_length=10, description="Default: the name's initials"),
    Field("group_id", "id", "A group of the same site"),
)
AGE_GROUP_BODY = _body(
    "Age group",
    "age_group",
    Field("game_length", "integer", "Minutes", minimum=0, maximum=1440, nullable=False),
    Field("min_official_age", "integer", minimum=0, maximum=99),
    Field(
        "fees",
        "array",
        f"Replaces the fee table (at most {MAX_FEES} entries)",
        items={
            "type": "object",
            "properties": {
                "pattern_id": {"type": "integer"},
                "position_id": {"type": "integer"},
                "amount": {"type": "number"},
            },
        },
    ),
)
PATTERN_BODY = _body(
    "Pattern",
    "pattern",
    Field(
        "positions",
        "array",
        f"Required on create: position ids, {{position_id}}, {{name, abbreviation}} or names "
        f"(at most {MAX_PATTERN_POSITIONS})",
    ),
    Field(
        "position_patterns_attributes",
        "array",
        "Legacy form of positions: [{position_name, rank_order}]",
    ),
)


def parse_named(data: dict[str, Any]) -> NamedWrite:
    """Leagues, game types and genders (their tables have the same rows)."""
    errors = ErrorCollector()
    values = read_body(data, LEAGUE_BODY, errors)
    return NamedWrite(**values, problems=problems_of(errors))


def parse_team(data: dict[str, Any]) -> TeamWrite:
    errors = ErrorCollector()
    values = read_body(data, TEAM_BODY, errors)
    return TeamWrite(**values, problems=problems_of(errors))


def parse_group(data: dict[str, Any]) -> GroupWrite:
    errors = ErrorCollector()
    values = read_body(data, GROUP_BODY, errors)
    return GroupWrite(**values, problems=problems_of(errors))


def parse_position(data: dict[str, Any]) -> PositionWrite:
    errors = ErrorCollector()
    values = read_body(data, POSITION_BODY, errors)
    return PositionWrite(**values, problems=problems_of(errors))


def _read_fees(data: dict[str, Any], errors: ErrorCollector) -> tuple[Fee, ...] | Unset:
    if "fees" not in data:
        return UNSET
    value = data["fees"]
    if is_blank(value):
        return ()
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        errors.add("fees", "is invalid")
        return UNSET
    if len(value) > MAX_FEES:
        errors.add("fees", f"is too long (maximum is {MAX_FEES} entries)")
        return UNSET
    fees: list[Fee] = []
    for entry in value:
        ids = [
            read_int(entry.get(key), "fees", errors, 1, MAX_INT)
            if not is_blank(entry.get(key))
            else INVALID
            for key in ("pattern_id", "position_id")
        ]
        amount = (
            read_money(entry.get("amount"), "fees", errors)
            if not is_blank(entry.get("amount"))
            else INVALID
        )
        if INVALID in ids or amount is INVALID:
            if not errors.errors.get("fees"):
                errors.add("fees", "is invalid")
            return UNSET
        assert isinstance(amount, Decimal)
        fees.append(Fee(int(str(ids[0])), int(str(ids[1])), amount))
    pairs = [(f.pattern_id, f.position_id) for f in fees]
    if len(set(pairs)) != len(pairs):
        errors.add("fees", "has duplicate entries")
        return UNSET
    return tuple(fees)


def parse_age_group(data: dict[str, Any]) -> AgeGroupWrite:
    errors = ErrorCollector()
    values = read_body(data, AGE_GROUP_BODY, errors, {"fees": _read_fees})
    return AgeGroupWrite(**values, problems=problems_of(errors))


def _pattern_entries(data: dict[str, Any]) -> Any:
    if "positions" in data:
        return data["positions"]
    legacy = data.get("position_patterns_attributes")
    if isinstance(legacy, list):
        try:
            ordered = sorted(
                (e for e in legacy if isinstance(e, dict)),
                key=lambda e: int(e.get("rank_order") or 0),
            )
        except (TypeError, ValueError):
            return INVALID
        return [{"name": e.get("position_name")} for e in ordered]
    if legacy is not None:
        return INVALID
    return None


def _read_positions(
    data: dict[str, Any], errors: ErrorCollector
) -> tuple[int | NewPosition, ...] | Unset:
    """Positions as ids, ``{"position_id"}``, ``{"name", "abbreviation"}`` or names."""
    entries = _pattern_entries(data)
    if entries is None:
        return UNSET
    if entries is INVALID or not isinstance(entries, list):
        errors.add("positions", "is invalid")
        return UNSET
    if not entries:
        errors.add("positions", "can't be blank")
        return UNSET
    if len(entries) > MAX_PATTERN_POSITIONS:
        errors.add("positions", f"is too long (maximum is {MAX_PATTERN_POSITIONS} entries)")
        return UNSET
    wanted: list[int | NewPosition] = []
    for entry in entries:
        if isinstance(entry, dict) and "position_id" in entry:
            entry = entry["position_id"]
        if isinstance(entry, bool):
            errors.add("positions", "is invalid")
            return UNSET
        digits = isinstance(entry, str) and entry.strip().isascii() and entry.strip().isdigit()
        if isinstance(entry, int) or digits:
            position_id = read_int(entry, "positions", errors, 1, MAX_INT)
            if position_id is INVALID:
                return UNSET
            wanted.append(int(position_id))
        elif isinstance(entry, (str, dict)):
            name = entry if isinstance(entry, str) else entry.get("name")
            abbreviation = entry.get("abbreviation") if isinstance(entry, dict) else None
            name = read_str(name, "positions", errors, 90, required=True)
            abbreviation = read_str(abbreviation, "positions", errors, 10)
            if name is INVALID or abbreviation is INVALID:
                return UNSET
            wanted.append(NewPosition(name, abbreviation))
        else:
            errors.add("positions", "is invalid")
            return UNSET
    return tuple(wanted)


def _legacy_positions(_data: dict[str, Any], _errors: ErrorCollector) -> Unset:
    return UNSET  # read together with ``positions``


def parse_pattern(data: dict[str, Any]) -> PatternWrite:
    errors = ErrorCollector()
    values = read_body(
        data,
        PATTERN_BODY,
        errors,
        {"positions": _read_positions, "position_patterns_attributes": _legacy_positions},
    )
    return PatternWrite(**values, problems=problems_of(errors))
