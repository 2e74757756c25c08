"""The contract's tables, as shapes: statements, game reports, form templates and
submissions."""

from __future__ import annotations

from tests.support.shapes import Link, Many, Shape
from tests.support.tables import SITE_SUMMARY, TS, USER_SUMMARY

LINE_ITEM = Shape(
    {
        "assignment_id": "integer",
        "game_id": "integer",
        "localized_date": "localized_date",
        "description": "string",
        "amount": "money",
    }
)
STATEMENT = Shape(
    {
        "id": "integer",
        "statement_date": "date",
        "description": "string|null",
        "status": "string",
        "amount": "money",
        "amount_paid": "money",
        "currency": "string",
        "formatted_amount": "formatted",
        "formatted_amount_paid": "formatted",
        "payor_name": "string",
        "line_items": Many(LINE_ITEM),
        "created": TS,
        "updated": TS,
    },
    links={"self": Link("statement", "/statements/{id}")},
    embedded={"site": SITE_SUMMARY, "official": USER_SUMMARY},
)

GAME_SUMMARY = Shape(
    {
        "id": "integer",
        "start_time": TS,
        "localized_date": "localized_date",
        "localized_time": "localized_time",
        "home_team": "string",
        "away_team": "string",
        "age_group": "string",
        "game_type": "string|null",
        "venue": "string",
        "subvenue": "string|null",
    },
    links={"self": Link("game", "/games/{id}")},
)
REPORT_OFFICIAL_FIELDS = {
    "id": "integer|null",
    "no_show": "boolean",
    "position_name": "string",
    "no_show_status": "string|null",
    "created": TS,
    "updated": TS,
}
REPORT_OFFICIAL_VACANT = Shape(
    REPORT_OFFICIAL_FIELDS, links={"assignment": Link("assignment", "/assignments/{*}")}
)
REPORT_OFFICIAL_HELD = REPORT_OFFICIAL_VACANT.add_links(
    official=Link("user", "/users/{*}"), scheduled_official=Link("user", "/users/{*}")
)
GAME_REPORT = Shape(
    {
        "id": "integer",
        "date": "date",
        "misconduct": "boolean",
        "home_team_score": "integer|null",
        "away_team_score": "integer|null",
        "text": "string|null",
        "html": "string|null",
        "created": TS,
        "updated": TS,
    },
    links={"self": Link("game-report", "/game_reports/{id}")},
)

FORM_FIELD = Shape(
    {
        "key": "string",
        "template_key": "string",
        "label": "string",
        "type": "string",
        "required": "boolean",
        "options": "strings",
    }
)
FORM_TEMPLATE = Shape(
    {
        "id": "integer",
        "name": "string",
        "description": "string|null",
        "active": "boolean",
        "fields": Many(FORM_FIELD),
        "mappings": "object",
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("form-template", "/form/templates/{id}"),
        "submissions": Link(None, "/form/templates/{id}/submissions"),
    },
)
ATTACHMENT = Shape(
    {"name": "string|null", "url": "string|null", "size": "integer|null", "type": "string|null"}
)
VALUE_OF_FIELD = Shape(
    {"key": "string", "template_key": "string", "label": "string", "value": "string"}
)
VALUE_NESTED = Shape({"key": "string", "value": "string"})
FORM_SUBMISSION = Shape(
    {
        "id": "integer",
        "author_name": "string",
        "has_misconduct": "bool-string",
        "has_no_show": "bool-string",
        "has_narrative": "bool-string",
        "has_ejections": "bool-string",
        "home_team_score": "integer|null",
        "away_team_score": "integer|null",
        "attachments": Many(ATTACHMENT),
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("form-submission", "/form/submissions/{id}"),
        "game_report_webview": Link(None, "/webview/submissions/{hex32}"),
        "template": Link("form-template", "/form/templates/{*}"),
    },
)
