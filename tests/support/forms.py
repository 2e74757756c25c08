"""A form template body (contract §18.5)."""

from __future__ import annotations

TEMPLATE = {
    "name": "Game report",
    "fields": [
        {
            "template_key": "homeTeamScore",
            "label": "Home score",
            "type": "number",
            "required": True,
        },
        {"template_key": "misconduct", "label": "Misconduct?", "type": "checkbox"},
        {"template_key": "roster", "label": "Roster", "type": "upload"},
    ],
    "mappings": {"home_team_score": ".homeTeamScore", "has_misconduct": ".misconduct"},
}
