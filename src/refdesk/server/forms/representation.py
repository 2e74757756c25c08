"""Form template and submission wire format and input (contract §18.5, §18.6)."""

from __future__ import annotations

import re
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import FALSE_WORDS, INVALID, is_blank, read_bool, read_str
from refdesk.server.forms.models import FormSubmission, FormTemplate

FIELD_TYPES = ("text", "textarea", "number", "checkbox", "select", "date", "time", "upload")
MAPPED = (
    "home_team_score",
    "away_team_score",
    "has_misconduct",
    "has_no_show",
    "has_narrative",
    "has_ejections",
)
FLAGS = ("has_misconduct", "has_no_show", "has_narrative", "has_ejections")
TEMPLATE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_FIELDS = 200


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
        import json

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


def truthy(value: str | None) -> bool:
    if value is None:
        return False
    text = value.strip().lower()
    return bool(text) and text not in ("null",) and text not in FALSE_WORDS


def score(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def summary(template: FormTemplate, submission: FormSubmission) -> dict[str, Any]:
    values = dict((k, v) for k, v in submission.values)
    mappings = template.mappings or {}
    result: dict[str, Any] = {}
    for flag in FLAGS:
        mapped = mappings.get(flag)
        result[flag] = "true" if mapped and truthy(values.get(mapped)) else "false"
    for name in ("home_team_score", "away_team_score"):
        mapped = mappings.get(name)
        result[name] = score(values.get(mapped)) if mapped else None
    return result


def attachments(template: FormTemplate, submission: FormSubmission) -> list[dict[str, Any]]:
    values = dict((k, v) for k, v in submission.values)
    found: list[dict[str, Any]] = []
    for field in template.fields or []:
        if field.get("type") != "upload":
            continue
        prefix = field["key"]
        indexes = sorted(
            {
                int(m.group(1))
                for k in values
                if (m := re.match(re.escape(prefix) + r"\.([0-9]{1,9})\.", k))
            }
        )
        for n in indexes:
            parts = {
                name: values.get(f"{prefix}.{n}.{name}") for name in ("name", "url", "size", "type")
            }
            clean = {k: (None if v in (None, "null") else v) for k, v in parts.items()}
            size = clean["size"]
            found.append(
                {
                    "name": clean["name"],
                    "url": clean["url"],
                    "size": score(size) if size is not None else None,
                    "type": clean["type"],
                }
            )
    return found


def ordered_values(template: FormTemplate, submission: FormSubmission) -> list[dict[str, Any]]:
    fields = {f["key"]: f for f in template.fields or []}
    values = dict((k, v) for k, v in submission.values)
    result: list[dict[str, Any]] = []
    for field in template.fields or []:
        if field["key"] in values:
            result.append(
                {
                    "key": field["key"],
                    "template_key": field["template_key"],
                    "label": field["label"],
                    "value": values[field["key"]],
                }
            )
    for key, value in submission.values:
        if key not in fields:
            result.append({"key": key, "value": value})
    return result
