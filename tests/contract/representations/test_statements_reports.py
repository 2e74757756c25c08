"""Statements and game reports (contract §18.1-§18.4)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import future_day, make_game, setup_site
from tests.support.games import load_site as _site
from tests.support.shapes import assert_collection, assert_shape, get_ok, post_ok
from tests.support.tables import USER_SUMMARY
from tests.support.tables_money_forms import (
    GAME_REPORT,
    GAME_SUMMARY,
    REPORT_OFFICIAL_HELD,
    REPORT_OFFICIAL_VACANT,
    STATEMENT,
)


async def test_statements_and_game_reports(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime, show_game_reports=True)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site, first_name="Alex", last_name="Rivera")
    game = await make_game(client, site_id, assignor.headers, localized_date=future_day(3))
    slots = game["_embedded"]["assignments"]
    await client.put(
        f"/api/v2/age_groups/{game['age_group_id']}",
        json={
            "fees": [
                {
                    "pattern_id": game["pattern_id"],
                    "position_id": slots[0]["position_id"],
                    "amount": 1234.5,
                }
            ]
        },
        headers=assignor.headers,
    )
    await post_ok(
        client,
        f"/api/v2/assignments/{slots[0]['id']}/assign",
        assignor,
        {"user_id": alex.user.id},
        200,
    )
    statement = await post_ok(
        client,
        f"/api/v2/sites/{site_id}/statements",
        assignor,
        {"user_id": alex.user.id, "period_start": "2020-01-01", "period_end": "2099-12-31"},
    )
    assert_shape(statement, STATEMENT)
    assert (statement["amount"], statement["formatted_amount"], statement["amount_paid"]) == (
        1234.5,
        "$1,234.50",
        0,
    )
    assert_collection(
        await get_ok(client, "/api/v2/statements", alex), "/statements", "statements", STATEMENT
    )

    report = await post_ok(
        client,
        f"/api/v2/games/{game['id']}/game_reports",
        alex,
        {
            "misconduct": True,
            "home_team_score": 3,
            "text": "Uneventful game.",
            "officials": [{"assignment_id": slots[0]["id"], "no_show": False}],
        },
    )
    report_shape = GAME_REPORT.with_embedded(
        game=GAME_SUMMARY, author=USER_SUMMARY, officials="array"
    )
    assert_shape(report, report_shape)
    first, *rest = report["_embedded"]["officials"]
    assert_shape(first, REPORT_OFFICIAL_HELD)
    for entry in rest:
        assert_shape(entry, REPORT_OFFICIAL_VACANT)
    assert report["html"] == "<p>Uneventful game.</p>"
    reports = await get_ok(client, f"/api/v2/sites/{site_id}/game_reports", assignor)
    assert_collection(reports, f"/sites/{site_id}/game_reports", "game_reports", report_shape)
