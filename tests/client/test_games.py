"""The game helpers of the SDK (contract §16.3) against the real app, sync and async."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from refdesk.client import Conflict, Forbidden, NotFound, Page, Resource, ValidationError
from refdesk.server.runtime import Runtime
from tests.support.sdk import SDK
from tests.support.world import GAME, make_world


async def test_create_get_update_delete_and_errors(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    game = await world.game(subvenue="Field 2", user_defined_id="G-1")
    assert game.resource_type == "game" and game["home_team"] == "Hawks"
    assert [a["position"] for a in game.embedded_list("assignments")] == [
        "Referee",
        "Assistant Referee",
        "Fourth",
    ]
    assert game.lock_version == 0
    fetched = await api(lambda c: c.games.get(game.id))
    assert fetched.id == game.id and fetched["subvenue"] == "Field 2"

    changed = await api(lambda c: c.games.update(game.id, {"status": "X"}, lock_version=0))
    assert changed["status"] == "X" and changed.lock_version == 1
    with pytest.raises(Conflict) as stale:
        await api(lambda c: c.games.update(game.id, {"status": "A"}, lock_version=0))
    assert stale.value.status == 409 and stale.value.lock_version == 1

    # Error mapping: 422 with the field errors, 403 for an official, 404 after delete.
    with pytest.raises(ValidationError) as invalid:
        await api(lambda c: c.games.create(world.site_id, {**GAME, "user_defined_id": "g-1"}))
    assert invalid.value.status == 422
    assert invalid.value.errors["user_defined_id"] == ["has already been taken"]
    official = world.as_(sdk, world.official)
    with pytest.raises(Forbidden):
        await official(lambda c: c.games.update(game.id, {"status": "A"}))

    assert await api(lambda c: c.games.delete(game.id)) is None
    with pytest.raises(NotFound) as gone:
        await api(lambda c: c.games.get(game.id))
    assert gone.value.code == "not_found"


async def test_update_with_retry_after_a_409(
    sdk: SDK, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    world = await make_world(sdk, runtime)
    game = await world.game()
    url = f"/api/v2/games/{game.id}"
    api = world.api

    async def someone_else_writes_first(request: httpx.Request) -> None:
        if request.method == "PUT" and api.wire.count("PUT", url) == 0:
            other = await client.put(
                url, json={"game": {"subvenue": "Field 9"}}, headers=world.assignor.headers
            )
            assert other.status_code == 200

    api.wire.before = someone_else_writes_first
    seen: list[int | None] = []

    def change(current: Resource) -> dict[str, str]:
        seen.append(current.lock_version)
        return {"public_note": f"seen v{current.lock_version}"}

    result = await api(lambda c: c.games.update_with_retry(game.id, change))
    assert seen == [0, 1]
    assert result.lock_version == 2 and result["public_note"] == "seen v1"
    assert result["subvenue"] == "Field 9"
    assert api.wire.statuses(url) == [200, 409, 200, 200]


async def test_lists_filters_and_pagination(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    ids = []
    for day in range(1, 6):
        game = await world.game(localized_date=f"10/{day}/2031", is_public=day != 5)
        ids.append(game.id)
    other_league = await world.game(localized_date="11/1/2031", league_name="Other League")

    first = await api(lambda c: c.games.list(world.site_id, limit=2))
    assert isinstance(first, Page) and [g.id for g in first.resources] == ids[:2]
    assert first.records == 6
    everything = await api.collect(lambda c: c.games.iter(world.site_id, limit=2))
    assert [g.id for g in everything] == [*ids, other_league.id]
    assert api.wire.count("GET", f"/sites/{world.site_id}/games") == 1 + 3  # three pages

    ranged = await api.collect(
        lambda c: c.games.iter(
            world.site_id, start_date=date(2031, 10, 2), end_date="2031-10-03", limit=1
        )
    )
    assert [g.id for g in ranged] == ids[1:3]
    league_id = other_league["league_id"]
    by_league = await api(lambda c: c.games.list(world.site_id, league_id=league_id))
    assert [g.id for g in by_league.resources] == [other_league.id]
    assert (await api(lambda c: c.games.list(world.site_id, status=["X", "C"]))).resources == []
    await api(lambda c: c.games.update(other_league.id, {"status": "C"}))
    by_status = await api(lambda c: c.games.list(world.site_id, status=["X", "C"]))
    assert [g.id for g in by_status.resources] == [other_league.id]  # sent as search[status]=X,C
    with pytest.raises(ValidationError) as bad:
        await api(lambda c: c.games.list(world.site_id, start_date="not a date"))
    assert "search[start_date]" in bad.value.errors

    # Open games: published ones with a vacant slot, for a site or across sites.
    open_here = await api(lambda c: c.games.open(world.site_id))
    assert [g.id for g in open_here.resources] == ids[:4]
    official = world.as_(sdk, world.official)
    everywhere = await official.collect(lambda c: c.games.iter_open(limit=3))
    assert [g.id for g in everywhere] == ids[:4]
    needing = await api.collect(lambda c: c.games.iter_needing_officials(world.site_id))
    assert [g.id for g in needing] == ids  # the cancelled one is left out
    needing_page = await api(lambda c: c.games.needing_officials(world.site_id, limit=1))
    assert needing_page.records == 5


async def test_my_games_user_games_and_unassign(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    game = await world.game(is_public=True)
    later = await world.game(localized_date="12/1/2031", is_public=True)
    official_id = world.official.user.id
    for g in (game, later):
        slot = g.embedded_list("assignments")[0]
        await api(lambda c, s=slot: c.assignments.assign(s.id, official_id))
    second = game.embedded_list("assignments")[1]
    await api(lambda c: c.assignments.assign(second.id, world.other.user.id))

    official = world.as_(sdk, world.official)
    mine = await official(lambda c: c.games.mine())
    assert [g.id for g in mine.resources] == [game.id, later.id]
    mine_filtered = await official.collect(lambda c: c.games.iter_mine(end_date="2031-11-30"))
    assert [g.id for g in mine_filtered] == [game.id]
    theirs = await api(lambda c: c.games.for_user(official_id, limit=1))
    assert [g.id for g in theirs.resources] == [game.id] and theirs.records == 2
    all_theirs = await api.collect(lambda c: c.games.iter_for_user(official_id, limit=1))
    assert [g.id for g in all_theirs] == [game.id, later.id]

    partly = await api(lambda c: c.games.unassign(game.id, assignment_ids=[second.id]))
    held = [a["assigned"] for a in partly.embedded_list("assignments")]
    assert held == [True, False, False]
    emptied = await api(lambda c: c.games.unassign(game.id))
    assert not any(a["assigned"] for a in emptied.embedded_list("assignments"))
    assert emptied.lock_version == game.lock_version
