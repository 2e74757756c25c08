"""Reading a game write (contract §16.3 table, §16.3.1, §16.3.2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, is_blank, read_bool, read_int, read_str

STATUSES = ("A", "X", "C")
NOTE_MAX = 1000
TEXTS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("subvenue", ("subvenue",), 90),
    ("user_defined_id", ("user_defined_id",), 90),
    ("external_id", ("external_id",), 90),
    ("public_note", ("public_note_text", "public_note", "published_comment"), NOTE_MAX),
    ("private_note", ("private_note_text", "private_note", "unpublished_comment"), NOTE_MAX),
    ("paid_via", ("paid_via",), 90),
)


@dataclass
class GameInput:
    columns: dict[str, Any] = field(default_factory=dict)
    assignor_sent: bool = False
    assignor_id: int | None = None


def read_plain_fields(data: dict[str, Any], errors: ErrorCollector) -> GameInput:
    """Everything but date/time and references: status, publication, texts, assignor."""
    result = GameInput()
    columns = result.columns
    if "status" in data:
        status = read_str(data["status"], "status", errors, 1, required=True)
        if status is not INVALID:
            if status.upper() not in STATUSES:
                errors.add("status", "is not included in the list")
            else:
                columns["status"] = status.upper()
    for name in ("is_public", "published"):
        if name in data and not is_blank(data[name]):
            published = read_bool(data[name], name, errors)
            if published is not INVALID:
                columns["published"] = published
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
                    columns[column] = text
                break
    if "assignor_id" in data:
        result.assignor_sent = True
        if not is_blank(data["assignor_id"]):
            assignor = read_int(data["assignor_id"], "assignor_id", errors, 1, 2**63 - 1)
            result.assignor_id = None if assignor is INVALID else assignor
    return result
