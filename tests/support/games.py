"""A site with an assignor and a pattern, a game body, and games made through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import Member, create_member, create_site


async def setup_site(
    client: httpx.AsyncClient, runtime: Runtime, **site: Any
) -> tuple[int, Member]:
    created = await create_site(runtime, **site)
    assignor = await create_member(
        runtime, created, assignor=True, official=False, first_name="Pat", last_name="Morgan"
    )
    pattern = await client.post(
        f"/api/v2/sites/{created.id}/patterns",
        json={
            "name": "3 officials",
            "positions": ["Referee", "Assistant Referee", "Assistant Referee"],
        },
        headers=assignor.headers,
    )
    assert pattern.status_code == 201, pattern.text
    return created.id, assignor


GAME = {
    "localized_date": "10/11/2026",
    "localized_time": "9:00 AM",
    "venue_name": "Riverside Park",
    "home_team_name": "Hawks",
    "away_team_name": "Falcons",
    "age_group_name": "U12 Boys",
    "pattern_name": "3 OFFICIALS",
    "league_name": "Harbor League",
    "subvenue": "Field 2",
    "public_note": "Arrive <early>.\n\nBring flags\nand whistle",
}


async def load_site(runtime: Runtime, site_id: int) -> Any:
    from refdesk.server.sites.models import Site

    async with runtime.db.session() as session:
        return await session.get(Site, site_id)


def future_day(days: int = 20) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%d")


async def make_game(
    client: httpx.AsyncClient, site_id: int, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    resp = await client.post(
        f"/api/v2/sites/{site_id}/games",
        json={**GAME, "localized_date": future_day(), "is_public": "y", **fields},
        headers=headers,
    )
    assert resp.status_code == 201, resp.text
    return dict(resp.json())
