"""The game services called directly with typed inputs, as a worker or the CLI would."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from refdesk.server.assignments.models import Assignment
from refdesk.server.days import RelativeDay
from refdesk.server.errors import Conflict, Forbidden, NotFound, ValidationFailed
from refdesk.server.games import lists, service
from refdesk.server.games.schemas import (
    GameListQuery,
    GameUnassign,
    GameWrite,
    parse_game_list,
    parse_game_unassign,
    parse_game_write,
)
from refdesk.server.reference.models import Pattern, PatternPosition, Position
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from tests.factories import Member, create_member
from tests.support.services import FIRST_PAGE, assignor_site, principal_of


async def setup(runtime: Runtime) -> tuple[Site, Member]:
    site, assignor = await assignor_site(runtime)
    async with runtime.db.transaction() as session:
        pattern = Pattern(site_id=site.id, name="Two")
        session.add(pattern)
        referee = Position(site_id=site.id, name="Referee", abbreviation="R")
        assistant = Position(site_id=site.id, name="Assistant", abbreviation="AR")
        session.add_all([referee, assistant])
        await session.flush()
        session.add_all(
            [
                PatternPosition(pattern_id=pattern.id, position_id=referee.id, sort_order=1),
                PatternPosition(pattern_id=pattern.id, position_id=assistant.id, sort_order=2),
            ]
        )
    return site, assignor


def new_game(**changes: object) -> GameWrite:
    values: dict[str, object] = {
        "localized_date": date(2030, 10, 11),
        "localized_time": time(9, 0),
        "venue_name": "Riverside Park",
        "home_team_name": "Hawks",
        "away_team_name": "Falcons",
        "age_group_name": "U12",
        "pattern_name": "two",
    }
    values.update(changes)
    return GameWrite(**values)  # type: ignore[arg-type]


async def test_create_update_and_unassign_with_typed_inputs(runtime: Runtime) -> None:
    site, assignor = await setup(runtime)
    who = principal_of(assignor)
    async with runtime.db.transaction() as session:
        game, member = await service.create_game(session, who, site.id, new_game())
        game_id = game.id
        assert game.start_time == datetime(2030, 10, 11, 13, 0, tzinfo=UTC)
        assert game.end_time == datetime(2030, 10, 11, 14, 0, tzinfo=UTC)
        assert game.assignor_id == assignor.user.id and member.site.id == site.id
        slots = await session.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.game_id == game_id)
        )
        assert slots == 2
    async with runtime.db.transaction() as session:
        change = GameWrite(lock_version=0, subvenue="Field 3", published=True)
        game, _ = await service.update_game(session, who, game_id, change)
        assert (game.subvenue, game.published, game.lock_version) == ("Field 3", True, 1)
    async with runtime.db.transaction() as session:
        game, _ = await service.unassign_game(session, who, game_id, GameUnassign())
        assert game.lock_version == 1
    async with runtime.db.transaction() as session:
        listing = await lists.site_games(session, who, site.id, GameListQuery(), FIRST_PAGE)
        assert [g.id for g in listing.games] == [game_id] and listing.total == 1
        later = GameListQuery(start_date=date(2031, 1, 1))
        assert (await lists.site_games(session, who, site.id, later, FIRST_PAGE)).total == 0


async def test_stale_lock_version_is_a_conflict(runtime: Runtime) -> None:
    site, assignor = await setup(runtime)
    who = principal_of(assignor)
    async with runtime.db.transaction() as session:
        game, _ = await service.create_game(session, who, site.id, new_game())
        game_id = game.id
    async with runtime.db.transaction() as session:
        await service.update_game(session, who, game_id, GameWrite(lock_version=0, subvenue="A"))
    with pytest.raises(Conflict):
        async with runtime.db.transaction() as session:
            await service.update_game(
                session, who, game_id, GameWrite(lock_version=0, subvenue="B")
            )
    with pytest.raises(Conflict):
        async with runtime.db.transaction() as session:
            await service.unassign_game(session, who, game_id, GameUnassign(lock_version=0))


async def test_bad_input_gives_the_wire_messages(runtime: Runtime) -> None:
    site, assignor = await setup(runtime)
    who = principal_of(assignor)
    bad = parse_game_write(
        {**WIRE_GAME, "localized_date": "13/45/2030", "localized_time": "25:00"}, creating=True
    )
    assert bad.problems == (
        ("localized_date", "is not a valid date"),
        ("localized_time", "is not a valid time"),
    )
    with pytest.raises(ValidationFailed) as caught:
        async with runtime.db.transaction() as session:
            await service.create_game(session, who, site.id, bad)
    assert caught.value.errors == {
        "localized_date": ["is not a valid date"],
        "localized_time": ["is not a valid time"],
    }
    missing = parse_game_write({"venue_name": "Park"}, creating=True)
    with pytest.raises(ValidationFailed) as caught:
        async with runtime.db.transaction() as session:
            await service.create_game(session, who, site.id, missing)
    assert caught.value.errors == {
        "localized_date": ["can't be blank"],
        "localized_time": ["can't be blank"],
        "home_team_name": ["can't be blank"],
        "away_team_name": ["can't be blank"],
        "age_group_name": ["can't be blank"],
        "pattern_name": ["can't be blank"],
    }


async def test_the_typed_input_and_the_wire_agree(runtime: Runtime) -> None:
    """The same body through ``parse_game_write`` and through a built input makes the same
    game; relative days stay relative until the service knows the site's calendar."""
    parsed = parse_game_write(WIRE_GAME, creating=True)
    assert parsed.problems == ()
    assert parsed.localized_date == date(2030, 10, 11)
    assert parsed.localized_time == time(9, 0)
    assert parse_game_write({"localized_date": "Tomorrow"}).localized_date == RelativeDay(1)
    naive = parse_game_write({"date_time": "2030-10-11T09:00:30"}).date_time
    assert naive == datetime(2030, 10, 11, 9, 0)
    query, page = parse_game_list({"search": {"status": "a,x", "team_id": "7"}, "limit": "5"})
    assert (query.status, query.team_id, page.limit) == (("A", "X"), 7, 5)
    unassign = parse_game_unassign({"assignment_ids": ["3", 4], "position_id": 2})
    assert (unassign.assignment_ids, unassign.position_id) == ((3, 4), 2)


async def test_missing_game_is_404_before_bad_input(runtime: Runtime) -> None:
    site, assignor = await setup(runtime)
    who = principal_of(assignor)
    bad = parse_game_write({"localized_date": "nope", "lock_version": "x"})
    assert bad.problems
    with pytest.raises(NotFound):
        async with runtime.db.transaction() as session:
            await service.update_game(session, who, 10**12, bad)
    with pytest.raises(NotFound):
        async with runtime.db.transaction() as session:
            await service.unassign_game(
                session, who, 10**12, parse_game_unassign({"position_id": "x"})
            )
    outsider = await create_member(runtime, site, official=True)
    async with runtime.db.transaction() as session:
        game, _ = await service.create_game(session, who, site.id, new_game())
        game_id = game.id
    with pytest.raises(Forbidden):  # the role check also comes before the 422
        async with runtime.db.transaction() as session:
            await service.update_game(session, principal_of(outsider), game_id, bad)
    with pytest.raises(ValidationFailed) as caught:  # a bad lock_version is a 422 of its own
        async with runtime.db.transaction() as session:
            await service.update_game(session, who, game_id, bad)
    assert caught.value.errors == {"lock_version": ["is not a number"]}


WIRE_GAME = {
    "localized_date": "10/11/2030",
    "localized_time": "9:00 AM",
    "venue_name": "Riverside Park",
    "home_team_name": "Hawks",
    "away_team_name": "Falcons",
    "age_group_name": "U12",
    "pattern_name": "TWO",
}
