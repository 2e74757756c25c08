"""Typed inputs of the conflict and ability endpoints (contract §17.3, §17.4). Parsing never
raises; the services check access first (§5), then the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, MAX_INT, is_blank, read_bool, read_int, read_str
from refdesk.server.inputs import UNSET, Body, Field, Input, Problems, Unset, problems_of
from refdesk.server.officials.models import CONFLICT_KINDS
from refdesk.server.users.schemas import PagedQuery, parse_paged_query

__all__ = ["PagedQuery", "parse_paged_query"]

# The id member of each kind (§17.3).
CONFLICT_ID_FIELDS = {
    "team": "team_id",
    "league": "league_id",
    "venue": "venue_id",
    "official": "other_user_id",
}

CONFLICT_BODY = Body(
    "ConflictCreate",
    (
        Field("kind", enum=CONFLICT_KINDS, required=True),
        *(
            Field(column, "id", description=f"Required when kind is {kind}")
            for kind, column in CONFLICT_ID_FIELDS.items()
        ),
        Field("note", max_length=255),
    ),
    root="conflict",
)
_ABILITY_ITEM: dict[str, Any] = {
    "type": "object",
    "required": ["age_group_id"],
    "properties": {
        "age_group_id": {"type": "integer", "minimum": 1},
        "position_id": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]},
        "allowed": {"type": "boolean", "default": True},
    },
}
ABILITIES_BODY = Body(
    "AbilitiesReplace",
    (
        Field(
            "abilities", "array", items=_ABILITY_ITEM,
            description="The whole list; (age_group_id, null position) covers every position",
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class ConflictInput(Input):
    """A new conflict: its ``kind``, the id of its target (``column`` names the wire field)
    and the note. ``problems`` of the note come last, after the target's existence check."""

    kind: str | None = None
    target: int | None = None
    note: str | Unset | None = UNSET
    note_problems: Problems = ()

    @property
    def column(self) -> str | None:
        """The wire field (and column) of the target's id for this kind."""
        return CONFLICT_ID_FIELDS.get(self.kind or "")

    def missing(self) -> Problems:
        """What a caller-built input lacks and no problem reports yet (parsing reports it)."""
        reported = {field for field, _ in self.problems}
        if self.kind is None or self.column is None:
            message = "can't be blank" if self.kind is None else "is not included in the list"
            return () if "kind" in reported else (("kind", message),)
        if self.target is None and self.column not in reported:
            return ((self.column, "can't be blank"),)
        return ()


def parse_conflict(data: dict[str, Any]) -> ConflictInput:
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    kind = read_str(data.get("kind"), "kind", errors, 16, required=True)
    if kind is not INVALID:
        if kind not in CONFLICT_KINDS:
            errors.add("kind", "is not included in the list")
        else:
            column = CONFLICT_ID_FIELDS[kind]
            values["kind"] = kind
            if is_blank(data.get(column)):
                errors.add(column, "can't be blank")
            else:
                target = read_int(data[column], column, errors, 1, MAX_INT)
                if target is not INVALID:
                    values["target"] = target
    note_errors = ErrorCollector()
    if "note" in data:
        note = read_str(data["note"], "note", note_errors, 255)
        if note is not INVALID:
            values["note"] = note
    return ConflictInput(
        problems=problems_of(errors), note_problems=problems_of(note_errors), **values
    )


@dataclass(frozen=True)
class AbilityEntry:
    age_group_id: int
    position_id: int | None
    allowed: bool


@dataclass(frozen=True, kw_only=True)
class AbilitiesInput(Input):
    """The whole ability list of an official (a replacement)."""

    entries: tuple[AbilityEntry, ...] = ()


def _invalid(message: str) -> AbilitiesInput:
    return AbilitiesInput(problems=(("abilities", message),))


def parse_abilities(data: dict[str, Any]) -> AbilitiesInput:
    """Entries in order; the first unreadable entry stops the reading (its problems alone)."""
    entries = data.get("abilities")
    if entries in (None, ""):
        entries = []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return _invalid("is invalid")
    parsed: list[AbilityEntry] = []
    errors = ErrorCollector()
    for entry in entries:
        age = read_int(entry.get("age_group_id"), "abilities", errors, 1, MAX_INT)
        position: Any = None
        if not is_blank(entry.get("position_id")):
            position = read_int(entry["position_id"], "abilities", errors, 1, MAX_INT)
        allowed: Any = True
        if "allowed" in entry and not is_blank(entry["allowed"]):
            allowed = read_bool(entry["allowed"], "abilities", errors)
        if INVALID in (age, position, allowed):
            return AbilitiesInput(problems=problems_of(errors))
        parsed.append(AbilityEntry(int(age), position, bool(allowed)))
    pairs = [(e.age_group_id, e.position_id) for e in parsed]
    if len(set(pairs)) != len(pairs):
        return _invalid("has duplicate entries")
    return AbilitiesInput(entries=tuple(parsed))
