"""Form templates and submissions (contract §18.5, §18.6)."""

from __future__ import annotations

import re

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import load_site as _site
from tests.support.games import make_game, setup_site
from tests.support.shapes import assert_shape, post_ok
from tests.support.tables_money_forms import (
    FORM_SUBMISSION,
    FORM_TEMPLATE,
    GAME_SUMMARY,
    VALUE_NESTED,
    VALUE_OF_FIELD,
)


async def test_form_templates_and_submissions(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime, forms_enabled=True)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    game = await make_game(client, site_id, assignor.headers)
    await post_ok(
        client,
        f"/api/v2/assignments/{game['_embedded']['assignments'][0]['id']}/assign",
        assignor,
        {"user_id": alex.user.id},
        200,
    )
    template = await post_ok(
        client,
        f"/api/v2/sites/{site_id}/form/templates",
        assignor,
        {
            "name": "Game report",
            "fields": [
                {
                    "template_key": "homeTeamScore",
                    "label": "Home",
                    "type": "number",
                    "required": True,
                },
                {"template_key": "kind", "label": "Kind", "type": "select", "options": ["a", "b"]},
                {"template_key": "roster", "label": "Roster", "type": "upload"},
            ],
            "mappings": {"home_team_score": ".homeTeamScore", "has_misconduct": ".kind"},
        },
    )
    assert_shape(template, FORM_TEMPLATE)
    submission = await post_ok(
        client,
        f"/api/v2/form/templates/{template['id']}/submissions",
        alex,
        {
            "game_id": game["id"],
            "values": {
                ".homeTeamScore": 3,
                ".kind": "a",
                ".roster.0.name": "r.pdf",
                ".roster.0.size": 1024,
            },
        },
    )
    token = submission["_links"]["game_report_webview"]["href"].rsplit("/", 1)[-1]
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert_shape(submission, FORM_SUBMISSION.with_embedded(game=GAME_SUMMARY, values="array"))
    assert (submission["home_team_score"], submission["has_misconduct"]) == (3, "true")
    values = submission["_embedded"]["values"]
    assert [v["key"] for v in values][:2] == [".homeTeamScore", ".kind"]
    for entry in values:
        assert_shape(
            entry, VALUE_OF_FIELD if entry["key"] in (".homeTeamScore", ".kind") else VALUE_NESTED
        )
    assert values[0]["value"] == "3"
    assert submission["attachments"] == [{"name": "r.pdf", "url": None, "size": 1024, "type": None}]
