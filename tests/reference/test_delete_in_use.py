"""Issue 9, hole 5a: deleting reference data that a game (or a game's slot) still uses is
``422 base ["is used by games and can't be deleted"]`` and changes nothing (contract §18.1,
§18.2), where the database's RESTRICT key used to surface as a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.support.games import GAME, setup_site

IN_USE = {"base": ["is used by games and can't be deleted"]}
FULL_GAME = {**GAME, "game_type_name": "Regular Season", "gender_name": "Boys"}


def _used_ids(game: dict[str, Any]) -> dict[str, list[int]]:
    """Every reference record the game points at, by the plural of its kind."""
    return {
        "venues": [game["venue_id"]],
        "teams": [game["home_team_id"], game["away_team_id"]],
        "leagues": [game["league_id"]],
        "age_groups": [game["age_group_id"]],
        "patterns": [game["pattern_id"]],
        "game_types": [game["game_type_id"]],
        "genders": [game["gender_id"]],
        "positions": sorted({s["position_id"] for s in game["_embedded"]["assignments"]}),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "venues",
        "teams",
        "leagues",
        "age_groups",
        "patterns",
        "game_types",
        "genders",
        "positions",
    ],
)
async def test_hole_5_delete_of_reference_data_used_by_a_game_is_422(
    client: httpx.AsyncClient, runtime: Runtime, kind: str
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    created = await client.post(
        f"/api/v2/sites/{site_id}/games", json=FULL_GAME, headers=assignor.headers
    )
    assert created.status_code == 201, created.text
    game = created.json()
    for record_id in _used_ids(game)[kind]:
        before = await client.get(f"/api/v2/{kind}/{record_id}", headers=assignor.headers)
        assert before.status_code == 200, before.text
        refused = await client.delete(f"/api/v2/{kind}/{record_id}", headers=assignor.headers)
        assert refused.status_code == 422, refused.text
        body = refused.json()
        assert body["error"] == "validation_failed" and body["errors"] == IN_USE
        after = await client.get(f"/api/v2/{kind}/{record_id}", headers=assignor.headers)
        assert after.json() == before.json()  # nothing changed
    again = await client.get(f"/api/v2/games/{game['id']}", headers=assignor.headers)
    assert again.json() == game | {"_links": again.json()["_links"]}


async def test_hole_5_unused_reference_data_still_deletes(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Once the game is gone, the same records delete (204); a pattern's positions go last,
    as the slots that used them went with the game."""
    site_id, assignor = await setup_site(client, runtime)
    game = (
        await client.post(
            f"/api/v2/sites/{site_id}/games", json=FULL_GAME, headers=assignor.headers
        )
    ).json()
    gone = await client.delete(f"/api/v2/games/{game['id']}", headers=assignor.headers)
    assert gone.status_code == 204
    for kind, ids in _used_ids(game).items():
        for record_id in ids:
            deleted = await client.delete(f"/api/v2/{kind}/{record_id}", headers=assignor.headers)
            assert deleted.status_code == 204, (kind, deleted.text)
