"""Demo season: the reference data of one site (zones, venues, leagues, teams, game types,
genders, groups, positions, patterns and age groups with their fees)."""

from __future__ import annotations

from decimal import Decimal

from refdesk.server.demo.season_state import SeasonBuilder, SiteRefs
from refdesk.server.reference.models import (
    AgeGroup,
    AgeGroupFee,
    GameType,
    Gender,
    Group,
    League,
    Pattern,
    PatternPosition,
    Position,
    Team,
)
from refdesk.server.venues.models import Venue, Zone


async def add_reference_data(builder: SeasonBuilder, refs: SiteRefs) -> None:
    season, site_id = refs.season, refs.site.id
    add = builder.session.add_all
    refs.zones = {n: Zone(site_id=site_id, name=n, location=loc) for n, loc in season.zones}
    refs.leagues = {n: League(site_id=site_id, name=n) for n in season.leagues}
    refs.game_types = {n: GameType(site_id=site_id, name=n) for n, _ in season.game_types}
    refs.genders = {n: Gender(site_id=site_id, name=n) for n in season.genders}
    refs.groups = {n: Group(site_id=site_id, name=n, description=d) for n, d in season.groups}
    refs.age_groups = {
        a.name: AgeGroup(
            site_id=site_id,
            name=a.name,
            game_length=a.game_length,
            min_official_age=a.min_official_age,
        )
        for a in season.age_groups
    }
    for records in (refs.zones, refs.leagues, refs.game_types, refs.genders, refs.groups):
        add(list(records.values()))
    add(list(refs.age_groups.values()))
    await builder.session.flush()
    refs.venues = {
        v.name: Venue(
            site_id=site_id,
            name=v.name,
            street_1=v.street,
            city=v.city,
            state_or_province=v.state,
            postal=v.postal,
            country="US",
            latitude=v.latitude,
            longitude=v.longitude,
            zone_id=refs.zones[v.zone].id if v.zone else None,
        )
        for v in season.venues
    }
    by_name: dict[str, Position] = {}
    for p in season.positions:
        position = Position(
            site_id=site_id,
            name=p.name,
            abbreviation=p.abbreviation,
            group_id=refs.groups[p.group].id if p.group else None,
        )
        by_name[p.name] = position
        refs.positions[p.abbreviation] = position
    teams: dict[str, Team] = {}
    for division in season.divisions:
        for club in division.clubs:
            name = f"{club} {division.age_group} {division.gender}"
            teams[name] = Team(
                site_id=site_id, name=name, league_id=refs.leagues[division.league].id
            )
    refs.teams = teams
    patterns = {n: Pattern(site_id=site_id, name=n) for n, _ in season.patterns}
    add([*refs.venues.values(), *by_name.values(), *teams.values(), *patterns.values()])
    await builder.session.flush()
    entries: list[PatternPosition] = []
    for name, positions in season.patterns:
        pattern = patterns[name]
        ordered = [by_name[p] for p in positions]
        refs.patterns[name] = (pattern, ordered)
        entries.extend(
            PatternPosition(pattern_id=pattern.id, position_id=p.id, sort_order=i)
            for i, p in enumerate(ordered, start=1)
        )
    fees: list[AgeGroupFee] = []
    for age in season.age_groups:
        amounts = dict(age.fees)
        for pattern, ordered in refs.patterns.values():
            for position in {p.id: p for p in ordered}.values():
                fees.append(
                    AgeGroupFee(
                        age_group_id=refs.age_groups[age.name].id,
                        pattern_id=pattern.id,
                        position_id=position.id,
                        amount=Decimal(amounts[position.abbreviation]),
                    )
                )
    add([*entries, *fees])
    await builder.session.flush()
