"""Issue 9, hole 5a (sites): ``DELETE /api/v2/sites/{id}`` deletes the site and everything
in it (contract §16.1), also when games hold RESTRICT keys to its venues, teams, patterns
and positions, and form submissions to its templates (a 500 ``IntegrityError`` before)."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_token
from tests.support.games import GAME, setup_site
from tests.support.games import load_site as _site


async def test_hole_5_operator_deletes_a_site_with_games_and_submissions(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime, show_game_requests=True)
    a = assignor.headers
    official = await create_member(runtime, await _site(runtime, site_id))
    game = (
        await client.post(
            f"/api/v2/sites/{site_id}/games",
            json={**GAME, "game_type_name": "Cup", "gender_name": "Girls", "is_public": True},
            headers=a,
        )
    ).json()
    slot = game["_embedded"]["assignments"][0]["id"]
    steps = [
        await client.post(
            f"/api/v2/assignments/{slot}/assign", json={"user_id": official.user.id}, headers=a
        ),
        await client.post(
            f"/api/v2/games/{game['id']}/game_reports", json={"text": "ok"}, headers=a
        ),
        await client.post(
            f"/api/v2/sites/{site_id}/statements",
            json={
                "user_id": official.user.id,
                "period_start": "2026-10-01",
                "period_end": "2026-10-31",
            },
            headers=a,
        ),
    ]
    template = await client.post(
        f"/api/v2/sites/{site_id}/form/templates",
        json={"name": "Match report", "fields": [{"key": ".score", "type": "text", "label": "S"}]},
        headers=a,
    )
    steps.append(template)
    steps.append(
        await client.post(
            f"/api/v2/form/templates/{template.json()['id']}/submissions",
            json={"game_id": game["id"], "values": {".score": "1-0"}},
            headers=a,
        )
    )
    assert all(step.status_code in (200, 201) for step in steps), [s.text for s in steps]

    operator = await create_account(runtime, operator=True)
    op = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    gone = await client.delete(f"/api/v2/sites/{site_id}", headers=op)
    assert gone.status_code == 204, gone.text
    for path in (
        f"/api/v2/sites/{site_id}",
        f"/api/v2/games/{game['id']}",
        f"/api/v2/assignments/{slot}",
        f"/api/v2/venues/{game['venue_id']}",
        f"/api/v2/form/templates/{template.json()['id']}",
    ):
        assert (await client.get(path, headers=op)).status_code == 404, path
