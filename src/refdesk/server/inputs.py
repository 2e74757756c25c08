"""Typed inputs: the one kind of input every service takes, whoever calls it.

**Frozen dataclasses, not Pydantic models.** The wire's rules are already written once, as the
readers of ``fields.py``: Rails-style messages ("can't be blank", "is too long (maximum is 90
characters)"), their check order, aliases (``published``/``is_public``), blank meaning absent,
US dates, integers sent as strings. A Pydantic model would re-validate and re-word them, and
its error order is not ours; a dataclass is plain data that a web form handler, a worker or a
test can also build directly, costs nothing to construct on hot paths, and mypy checks it.

Each concept's ``schemas.py`` defines its inputs and one ``parse_*`` function per input that
turns a wire body or query (a dict, or a web form decoded the same way) into one. **Parsing
never raises**: what the client got wrong travels in ``problems``, so that the service first
runs the access checks of contract §5 (404, 403, 402, then the role) and only then reports
the 422, together with the checks that need the database (``input.errors()``).

Fields a partial update may leave out are typed ``X | Unset`` with :data:`UNSET` as default;
``None`` is a value the client sent (blank or null).

The same field tables document the request bodies: :class:`Body` renders a JSON Schema from
its :class:`Field` rows, and ``api.openapi.body_doc(body)`` is given to the route
decorator as ``openapi_extra``, so the OpenAPI document shows each body's real fields.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from refdesk.server.errors import ErrorCollector


class Unset(enum.Enum):
    """The type of :data:`UNSET`: a field the client did not send (distinct from ``None``)."""

    UNSET = "UNSET"

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET

Problems = tuple[tuple[str, str], ...]


@dataclass(frozen=True, kw_only=True)
class Input:
    """Base of every typed input: ``problems`` are the (field, message) pairs that parsing
    recorded, in check order."""

    problems: Problems = ()

    def errors(self, *, but: Collection[str] = ()) -> ErrorCollector:
        """A collector holding the parse problems (those of the fields in ``but`` left out);
        the service adds its own checks to it and raises once (``raise_if_any``), so one 422
        lists everything."""
        collector = ErrorCollector()
        for field, message in self.problems:
            if field not in but:
                collector.add(field, message)
        return collector

    def errors_of(self, *fields: str | None) -> ErrorCollector:
        """A collector with the parse problems of ``fields`` only, field by field (``None``
        names no field), for a rule that reports one stage of fields before the access or
        database checks of the next."""
        collector = ErrorCollector()
        for name in fields:
            for field, message in self.problems:
                if field == name:
                    collector.add(field, message)
        return collector

    def messages_of(self, field: str) -> list[str]:
        """The parse problems' messages for one field, in check order."""
        return [message for name, message in self.problems if name == field]

    def values_sent(self, *names: str) -> dict[str, Any]:
        """The named fields the client sent (not :data:`UNSET`), by name."""
        values = {name: getattr(self, name) for name in names}
        return {name: value for name, value in values.items() if value is not UNSET}

    def raise_if_invalid(self) -> None:
        self.errors().raise_if_any()


def problems_of(errors: ErrorCollector) -> Problems:
    """The collector's messages as an immutable tuple for :attr:`Input.problems`."""
    return tuple(
        (field, message) for field, messages in errors.errors.items() for message in messages
    )


Kind = Literal[
    "string", "integer", "number", "boolean", "date", "date-time", "time", "money", "email",
    "object", "array", "id",
]  # fmt: skip

_KIND_SCHEMAS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "date-time": {"type": "string", "format": "date-time"},
    "time": {"type": "string", "examples": ["9:00 AM", "15:30"]},
    "money": {"type": "number", "minimum": 0, "maximum": 99999999.99, "multipleOf": 0.01},
    "email": {"type": "string", "format": "email", "maxLength": 100},
    "object": {"type": "object"},
    "array": {"type": "array"},
}


@dataclass(frozen=True)
class Field:
    """One row of a body's field table: the wire name, its kind and its limits."""

    name: str
    kind: Kind = "string"
    description: str = ""
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    required: bool = False
    nullable: bool = True
    items: dict[str, Any] | None = None

    def schema(self) -> dict[str, Any]:
        schema = dict(_KIND_SCHEMAS[self.kind])
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.enum is not None:
            schema["enum"] = list(self.enum)
        if self.items is not None:
            schema["items"] = self.items
        if self.description:
            schema["description"] = self.description
        if self.nullable and not self.required:
            schema = {"anyOf": [schema, {"type": "null"}]}
            if self.description:
                schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Body:
    """A request body's field table. ``root`` is the optional wrapping key of §3.4
    (``{"game": {...}}``); both the plain and the wrapped forms are documented."""

    title: str
    fields: Sequence[Field]
    root: str | None = None
    description: str = ""

    def schema(self) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for field in self.fields:
            properties[field.name] = field.schema()
            for alias in field.aliases:
                alias_schema = dict(field.schema())
                alias_schema["description"] = f"Alias of {field.name}"
                properties[alias] = alias_schema
        plain: dict[str, Any] = {
            "type": "object",
            "title": self.title,
            "properties": properties,
            "additionalProperties": True,
        }
        required = [f.name for f in self.fields if f.required and not f.aliases]
        if required:
            plain["required"] = required
        if self.description:
            plain["description"] = self.description
        if self.root is None:
            return plain
        wrapped = {
            "type": "object",
            "title": f"{self.title} (wrapped)",
            "properties": {self.root: plain},
            "required": [self.root],
        }
        return {"title": self.title, "anyOf": [plain, wrapped]}
