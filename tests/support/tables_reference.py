"""The contract's tables, as shapes: reference data, conflicts, abilities, candidates and
game requests."""

from __future__ import annotations

from typing import Any

from tests.support.shapes import Link, Many, Shape
from tests.support.tables import TS, USER_SUMMARY

NAMED_FIELDS = {"id": "integer", "name": "string", "created": TS, "updated": TS}


def named(resource_type: str, plural: str, **extra: Any) -> Shape:
    return Shape(
        {**NAMED_FIELDS, **extra}, links={"self": Link(resource_type, f"/{plural}/{{id}}")}
    )


LEAGUE = named("league", "leagues")
GAME_TYPE = named("game-type", "game_types")
GENDER = named("gender", "genders")
TEAM = named("team", "teams", league_id="integer|null")
POSITION = named("position", "positions", abbreviation="string", group_id="integer|null")
FEE_ENTRY = Shape(
    {
        "pattern_id": "integer",
        "position_id": "integer",
        "amount": "money",
        "pattern": "string",
        "position": "string",
        "formatted": "formatted",
    }
)
AGE_GROUP = named(
    "age-group",
    "age_groups",
    game_length="integer",
    min_official_age="integer|null",
    fees=Many(FEE_ENTRY),
)
PATTERN_ENTRY = Shape(
    {"position_id": "integer", "name": "string", "abbreviation": "string", "sort_order": "integer"}
)
PATTERN = named("pattern", "patterns", positions=Many(PATTERN_ENTRY))
GROUP = named("group", "groups", description="string|null", users_count="integer").add_links(
    users=Link(None, "/groups/{id}/users")
)

CONFLICT_FIELDS = {
    "id": "integer",
    "kind": "string",
    "name": "string",
    "note": "string|null",
    "created": TS,
}


def conflict(id_field: str) -> Shape:
    """The id member matching ``kind`` (an integer), and not the other three."""
    return Shape(
        {**CONFLICT_FIELDS, id_field: "integer"},
        links={"self": Link("conflict", "/users/{*}/conflicts/{id}")},
    )


ABILITY = Shape(
    {
        "age_group_id": "integer",
        "age_group": "string",
        "position_id": "integer|null",
        "position": "string|null",
        "allowed": "boolean",
    }
)
ABILITIES = Shape(
    {"user_id": "integer", "abilities": Many(ABILITY)},
    links={"self": Link(None, "/users/{user_id}/abilities")},
)

CANDIDATE = Shape(
    {
        "user_id": "integer",
        "first_name": "string",
        "last_name": "string",
        "conflicts": "strings",
        "ok": "boolean",
        "requested": "boolean",
        "current": "boolean",
        "games_same_day": "integer",
    },
    links={
        "user": Link("user", "/users/{user_id}"),
        "assign": Link(None, "/assignments/{*}/assign"),
    },
)

GAME_REQUEST = Shape(
    {
        "id": "integer",
        "game_id": "integer",
        "position_id": "integer|null",
        "user_id": "integer",
        "status": "string",
        "comment": "string|null",
        "assignment_id": "integer|null",
        "created": TS,
        "updated": TS,
    },
    links={
        "self": Link("game-request", "/game_requests/{id}"),
        "game": Link("game", "/games/{game_id}"),
        "user": Link("user", "/users/{user_id}"),
    },
    embedded={"user": USER_SUMMARY},
)
