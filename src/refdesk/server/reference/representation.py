"""Reference kinds on the wire (contract §18): each kind's document, and the :class:`Kind`
entries that join a kind's typed input, checks and writes to its representation. Venues and
zones are in ``venues/representation.py``."""

from __future__ import annotations

from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.reference import age_groups, patterns
from refdesk.server.reference.common import group_counts, position_changes
from refdesk.server.reference.kinds import Kind, Record
from refdesk.server.reference.models import (
    AgeGroup,
    GameType,
    Gender,
    Group,
    League,
    Pattern,
    Position,
    Team,
)
from refdesk.server.reference.schemas import (
    AGE_GROUP_BODY,
    GAME_TYPE_BODY,
    GENDER_BODY,
    GROUP_BODY,
    LEAGUE_BODY,
    PATTERN_BODY,
    POSITION_BODY,
    TEAM_BODY,
    parse_age_group,
    parse_group,
    parse_named,
    parse_pattern,
    parse_position,
    parse_team,
)
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import timestamp


def base_fields(record: Record, site: Site) -> dict[str, Any]:
    return {"id": record.id, "name": record.name}


def stamps(record: Record, site: Site) -> dict[str, Any]:
    return {
        "created": timestamp(record.created, site.timezone),
        "updated": timestamp(record.updated, site.timezone),
    }


def self_links(base: str, plural: str, resource_type: str, record_id: int) -> dict[str, Any]:
    return {"self": link(base, f"/{plural}/{record_id}", resource_type)}


def _named_represent(plural: str, resource_type: str) -> Any:
    def represent(record: Any, site: Site, base: str, _extra: Any) -> dict[str, Any]:
        return {
            **base_fields(record, site),
            **stamps(record, site),
            "_links": self_links(base, plural, resource_type, record.id),
        }

    return represent


LEAGUES = Kind(
    "leagues",
    "league",
    "league",
    League,
    parse_named,
    LEAGUE_BODY,
    _named_represent("leagues", "league"),
)
GAME_TYPES = Kind(
    "game_types",
    "game_type",
    "game-type",
    GameType,
    parse_named,
    GAME_TYPE_BODY,
    _named_represent("game_types", "game-type"),
)
GENDERS = Kind(
    "genders",
    "gender",
    "gender",
    Gender,
    parse_named,
    GENDER_BODY,
    _named_represent("genders", "gender"),
)


def represent_team(team: Team, site: Site, base: str, _extra: Any) -> dict[str, Any]:
    return {
        **base_fields(team, site),
        "league_id": team.league_id,
        **stamps(team, site),
        "_links": self_links(base, "teams", "team", team.id),
    }


TEAMS = Kind(
    "teams",
    "team",
    "team",
    Team,
    parse_team,
    TEAM_BODY,
    represent_team,
    references=(("league_id", League),),
)


def represent_group(group: Group, site: Site, base: str, users_count: Any) -> dict[str, Any]:
    links = self_links(base, "groups", "group", group.id)
    links["users"] = link(base, f"/groups/{group.id}/users")
    return {
        **base_fields(group, site),
        "description": group.description,
        "users_count": int(users_count or 0),
        **stamps(group, site),
        "_links": links,
    }


GROUPS = Kind(
    "groups",
    "group",
    "group",
    Group,
    parse_group,
    GROUP_BODY,
    represent_group,
    load_extras=group_counts,
)


def represent_position(position: Position, site: Site, base: str, _x: Any) -> dict[str, Any]:
    return {
        **base_fields(position, site),
        "abbreviation": position.abbreviation,
        "group_id": position.group_id,
        **stamps(position, site),
        "_links": self_links(base, "positions", "position", position.id),
    }


POSITIONS = Kind(
    "positions",
    "position",
    "position",
    Position,
    parse_position,
    POSITION_BODY,
    represent_position,
    references=(("group_id", Group),),
    changes=position_changes,
)


def represent_age_group(group: AgeGroup, site: Site, base: str, fees: Any) -> dict[str, Any]:
    return {
        **base_fields(group, site),
        "game_length": group.game_length,
        "min_official_age": group.min_official_age,
        "fees": list(fees or []),
        **stamps(group, site),
        "_links": self_links(base, "age_groups", "age-group", group.id),
    }


AGE_GROUPS = Kind(
    "age_groups",
    "age_group",
    "age-group",
    AgeGroup,
    parse_age_group,
    AGE_GROUP_BODY,
    represent_age_group,
    check=age_groups.check_fees,
    changes=age_groups.age_group_changes,
    load_extras=age_groups.age_group_fees,
    save_extras=age_groups.save_fees,
)


def represent_pattern(pattern: Pattern, site: Site, base: str, entries: Any) -> dict[str, Any]:
    return {
        **base_fields(pattern, site),
        "positions": list(entries or []),
        **stamps(pattern, site),
        "_links": self_links(base, "patterns", "pattern", pattern.id),
    }


PATTERNS = Kind(
    "patterns",
    "pattern",
    "pattern",
    Pattern,
    parse_pattern,
    PATTERN_BODY,
    represent_pattern,
    check=patterns.check_positions,
    changes=patterns.pattern_changes,
    load_extras=patterns.pattern_positions,
    save_extras=patterns.save_pattern_positions,
)
