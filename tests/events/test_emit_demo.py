"""The demo season is written with the ORM as a fixture, not as changes anyone made: seeding
it (``refdesk demo seed``, ``serve --demo``) leaves no events behind for the first webhook
subscription to receive, while the same data changed through the services does record."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from refdesk.server.demo.seed import ensure_demo
from refdesk.server.games.models import Game
from refdesk.server.runtime import Runtime
from tests.support.events import recorded_events


async def test_seeding_the_demo_records_no_events(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    outcome = await ensure_demo(
        runtime,
        base_url="https://testserver",
        token_url="https://testserver/oauth/token",
        ca_cert=None,
    )
    async with runtime.db.session() as session:
        games = await session.scalar(select(func.count()).select_from(Game))
    assert games and games > 500  # the season is there
    assert await recorded_events(runtime) == []
    # Its data is live: a change through the API records as usual.
    game_id = outcome.credentials["explore"]["game_id"]
    assignor = outcome.credentials["clients"]["assignor"]
    token = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": assignor["client_id"],
            "client_secret": assignor["client_secret"],
            "scope": "read write",
        },
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    resp = await client.put(
        f"/api/v2/games/{game_id}", json={"subvenue": "Field 42"}, headers=headers
    )
    assert resp.status_code == 200, resp.text
    events = await recorded_events(runtime)
    assert [(e.topic, e.game_id, e.data) for e in events] == [
        ("game.updated", game_id, {"changes": ["subvenue"]})
    ]
