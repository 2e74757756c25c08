"""Typed inputs of forms (contract §18.5, §18.6): templates, submissions, list queries."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from refdesk.server.days import Day
from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, MAX_INT, is_blank, read_bool, read_int, read_str
from refdesk.server.inputs import UNSET, Body, Field, Input, Unset, problems_of
from refdesk.server.paging import PageQuery, PageRequest, parse_page, parse_page_query
from refdesk.server.reports.schemas import read_game_filters

FIELD_TYPES = ("text", "textarea", "number", "checkbox", "select", "date", "time", "upload")
MAPPED = (
    "home_team_score",
    "away_team_score",
    "has_misconduct",
    "has_no_show",
    "has_narrative",
    "has_ejections",
)
TEMPLATE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_FIELDS = 200

# --- templates -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TemplateInput(Input):
    """A form template, created (``name`` and ``fields`` required) or partially updated."""

    name: str | Unset = UNSET
    description: str | Unset | None = UNSET
    active: bool | Unset = UNSET
    fields: list[dict[str, Any]] | Unset = UNSET
    mappings: dict[str, str] | Unset = UNSET

    def changes(self) -> dict[str, Any]:
        return self.values_sent("name", "description", "active", "fields", "mappings")


FIELD_ITEM = {
    "type": "object",
    "properties": {
        "template_key": {"type": "string", "pattern": TEMPLATE_KEY.pattern},
        "key": {"type": "string", "description": "Alias of template_key, with a leading dot"},
        "label": {"type": "string"},
        "type": {"enum": list(FIELD_TYPES)},
        "required": {"type": "boolean"},
        "options": {"type": "array", "items": {"type": "string"}},
    },
}
TEMPLATE_BODY = Body(
    "Form template",
    [
        Field("name", description="Required when creating", max_length=90),
        Field("description", max_length=1000),
        Field("active", "boolean"),
        Field(
            "fields",
            "array",
            f"Required when creating; at most {MAX_FIELDS}",
            items=FIELD_ITEM,
        ),
        Field("mappings", "object", f"Report fields ({', '.join(MAPPED)}) to value keys"),
    ],
    root="form_template",
)


def parse_template(data: dict[str, Any], *, creating: bool) -> TemplateInput:
    errors = ErrorCollector()
    values = read_template(data, errors, creating)
    return TemplateInput(problems=problems_of(errors), **values)


def read_template(data: dict[str, Any], errors: ErrorCollector, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if creating or "name" in data:
        name = read_str(data.get("name"), "name", errors, 90, required=True)
        if name is not INVALID:
            values["name"] = name
    if "description" in data:
        text = read_str(data["description"], "description", errors, 1000)
        if text is not INVALID:
            values["description"] = text
    if "active" in data:
        active = read_bool(data["active"], "active", errors)
        if active is not INVALID:
            values["active"] = active
    if creating or "fields" in data:
        fields = _read_fields(data.get("fields"), errors)
        if fields is not None:
            values["fields"] = fields
    if "mappings" in data:
        mappings = data["mappings"]
        if is_blank(mappings):
            values["mappings"] = {}
        elif not isinstance(mappings, dict) or any(
            k not in MAPPED or not isinstance(v, str) or not v.startswith(".")
            for k, v in mappings.items()
        ):
            errors.add("mappings", "is invalid")
        else:
            values["mappings"] = dict(mappings)
    return values


def _read_fields(raw: Any, errors: ErrorCollector) -> list[dict[str, Any]] | None:
    if raw is None or raw == [] or raw == "":
        errors.add("fields", "can't be blank")
        return None
    if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
        errors.add("fields", "is invalid")
        return None
    if len(raw) > MAX_FIELDS:
        errors.add("fields", f"is too long (maximum is {MAX_FIELDS} entries)")
        return None
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in raw:
        key = item.get("template_key")
        if not isinstance(key, str) and isinstance(item.get("key"), str):
            key = item["key"].lstrip(".")
        kind = item.get("type", "text")
        options = item.get("options") or []
        required = read_bool(item.get("required", False), "fields", errors)
        if (
            not isinstance(key, str)
            or not TEMPLATE_KEY.match(key)
            or key in seen
            or kind not in FIELD_TYPES
            or required is INVALID
            or not isinstance(options, list)
            or not all(isinstance(o, str) for o in options)
        ):
            if not errors.errors.get("fields"):
                errors.add("fields", "is invalid")
            return None
        seen.add(key)
        label = item.get("label")
        result.append(
            {
                "key": f".{key}",
                "template_key": key,
                "label": str(label) if label is not None else key,
                "type": kind,
                "required": bool(required),
                "options": list(options),
            }
        )
    return result


def stringify(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def read_values(raw: Any, errors: ErrorCollector) -> list[list[str]] | None:
    pairs: list[tuple[Any, Any]]
    if raw is None or raw == "":
        return []
    if isinstance(raw, dict):
        pairs = list(raw.items())
    elif isinstance(raw, list) and all(isinstance(v, dict) and "key" in v for v in raw):
        pairs = [(v["key"], v.get("value")) for v in raw]
    else:
        errors.add("values", "is invalid")
        return None
    result: list[list[str]] = []
    for key, value in pairs:
        if not isinstance(key, str) or not key.startswith("."):
            errors.add("values", "is invalid")
            return None
        result.append([key, stringify(value)])
    return result


# --- submissions -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SubmissionInput(Input):
    """A submission: the game (``game_id`` problems are reported before the game is looked
    up) and the values as ordered ``[key, text]`` pairs (reported after the access checks)."""

    game_id: int | None = None
    values: list[list[str]] | None = None


SUBMISSION_BODY = Body(
    "Form submission",
    [
        Field("game_id", "id", required=True),
        Field(
            "values",
            "object",
            "Value keys (with a leading dot) to values, or a list of {key, value}",
        ),
    ],
    root="form_submission",
)


def parse_submission(data: dict[str, Any]) -> SubmissionInput:
    errors = ErrorCollector()
    game_id: int | None = None
    if is_blank(data.get("game_id")):
        errors.add("game_id", "can't be blank")
    else:
        game = read_int(data["game_id"], "game_id", errors, 1, MAX_INT)
        game_id = None if game is INVALID else game
    values = read_values(data.get("values"), errors)
    return SubmissionInput(game_id=game_id, values=values, problems=problems_of(errors))


# --- list queries ----------------------------------------------------------------------


TemplateQuery = PageQuery  # a site's templates: only the page
parse_template_query = parse_page_query


@dataclass(frozen=True, kw_only=True)
class SubmissionQuery(Input):
    """``page``/``limit`` and the ``search[...]`` filters of a template's submissions."""

    page: PageRequest
    start_date: Day | None = None
    end_date: Day | None = None
    game_id: int | None = None


def parse_submission_query(query: dict[str, Any]) -> SubmissionQuery:
    errors = ErrorCollector()
    page = parse_page(query, errors)
    values: dict[str, Any] = {}
    search = query.get("search")
    if isinstance(search, dict):
        values.update(read_game_filters(search, errors))
    return SubmissionQuery(page=page, problems=problems_of(errors), **values)
