"""The reference service with typed inputs, against a real session (no HTTP)."""

from __future__ import annotations

import pytest

from refdesk.server.auth.principal import Principal
from refdesk.server.errors import Conflict, Forbidden, ValidationFailed
from refdesk.server.inputs import UNSET
from refdesk.server.reference import service
from refdesk.server.reference.representation import LEAGUES, PATTERNS, POSITIONS, TEAMS
from refdesk.server.reference.schemas import (
    NewPosition,
    PatternWrite,
    PositionWrite,
    TeamWrite,
    parse_named,
    parse_reference_query,
    parse_team,
)
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.venues.representation import VENUES
from refdesk.server.venues.schemas import VenueWrite, parse_venue
from tests.factories import create_member, create_site
from tests.support.services import assignor_site, principal_of


async def _assignor(runtime: Runtime) -> tuple[Site, Principal]:
    site, assignor = await assignor_site(runtime)
    return site, principal_of(assignor)


def test_parsing_never_raises_and_keeps_the_wire_names() -> None:
    write = parse_venue(
        {"name": "  ", "zip": "x" * 21, "country": "USA", "latitude": "north", "zone_id": 0}
    )
    assert write.name is UNSET and write.postal is UNSET and write.zone_id is UNSET
    assert write.problems == (
        ("name", "can't be blank"),
        ("zip", "is too long (maximum is 20 characters)"),
        ("country", "is too long (maximum is 2 characters)"),
        ("latitude", "is not a number"),
        ("zone_id", "must be greater than or equal to 1"),
    )
    assert parse_venue({"address": " 1 Main St ", "country": "us"}).columns() == {
        "street_1": "1 Main St",
        "country": "US",
    }
    assert parse_team({"league_id": ""}).league_id is None
    assert parse_named({}).columns() == {}


async def test_a_duplicate_name_is_taken_case_insensitively(runtime: Runtime) -> None:
    site, principal = await _assignor(runtime)
    async with runtime.db.transaction() as session:
        team, _ = await service.create_record(
            session, principal, TEAMS, site.id, TeamWrite(name="Eagles")
        )
        assert team.name == "Eagles" and team.league_id is None
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_record(
                session, principal, TEAMS, site.id, TeamWrite(name="eagles", league_id=10**9)
            )
    assert caught.value.errors == {
        "name": ["has already been taken"],
        "league_id": ["does not exist"],
    }
    assert caught.value.message == (
        "Validation failed: Name has already been taken, League id does not exist"
    )


async def test_the_role_is_checked_before_the_input(runtime: Runtime) -> None:
    site = await create_site(runtime)
    official = principal_of(await create_member(runtime, site))
    async with runtime.db.transaction() as session:
        with pytest.raises(Forbidden):
            await service.create_record(session, official, LEAGUES, site.id, parse_named({}))


async def test_problems_and_database_checks_keep_the_field_order(runtime: Runtime) -> None:
    site, principal = await _assignor(runtime)
    async with runtime.db.transaction() as session:
        await service.create_record(session, principal, VENUES, site.id, VenueWrite(name="Park"))
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_record(
                session, principal, VENUES, site.id, parse_venue({"name": "PARK", "country": "1"})
            )
    assert list(caught.value.errors) == ["name", "country"]
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_record(session, principal, LEAGUES, site.id, parse_named({}))
    assert caught.value.errors == {"name": ["can't be blank"]}


async def test_a_venue_update_compares_lock_version_first(runtime: Runtime) -> None:
    site, principal = await _assignor(runtime)
    async with runtime.db.transaction() as session:
        venue, _ = await service.create_record(
            session, principal, VENUES, site.id, VenueWrite(name="Field 1", lock_version=7)
        )
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as invalid:
            await service.update_record(
                session,
                principal,
                VENUES,
                venue.id,
                parse_venue({"lock_version": "x", "country": "???"}),
            )
    assert invalid.value.errors == {"lock_version": ["is not a number"]}
    async with runtime.db.transaction() as session:
        with pytest.raises(Conflict):
            await service.update_record(
                session, principal, VENUES, venue.id, VenueWrite(city="Troy", lock_version=3)
            )
    async with runtime.db.transaction() as session:
        updated, _ = await service.update_record(
            session, principal, VENUES, venue.id, VenueWrite(city="Troy", lock_version=0)
        )
        assert (updated.city, updated.lock_version) == ("Troy", 1)


async def test_positions_and_patterns(runtime: Runtime) -> None:
    site, principal = await _assignor(runtime)
    async with runtime.db.transaction() as session:
        referee, _ = await service.create_record(
            session, principal, POSITIONS, site.id, PositionWrite(name="Center Referee")
        )
        assert referee.abbreviation == "CR"
        pattern, _ = await service.create_record(
            session,
            principal,
            PATTERNS,
            site.id,
            PatternWrite(name="Trio", positions=(referee.id, NewPosition("Assistant Referee"))),
        )
        entries = await service.extras_of(session, PATTERNS, pattern, site)
    assert [(e["name"], e["abbreviation"]) for e in entries] == [
        ("Center Referee", "CR"),
        ("Assistant Referee", "AR"),
    ]
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await service.create_record(
                session, principal, PATTERNS, site.id, PatternWrite(name="Solo")
            )
    assert caught.value.errors == {"positions": ["can't be blank"]}
    async with runtime.db.transaction() as session:
        listing = await service.list_records(
            session,
            principal,
            POSITIONS,
            site.id,
            parse_reference_query({"search": {"name": "ass"}}),
        )
    assert [r.name for r in listing.records] == ["Assistant Referee"] and listing.total == 1
