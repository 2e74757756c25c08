"""The simple reference kinds of contract §18.2: leagues, game types, genders, teams, groups
and positions. Patterns (``patterns.py``), age groups (``age_groups.py``), venues and zones
(``venues/representation.py``) live in their own modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.api.hal import link
from refdesk.server.fields import INVALID, read_str
from refdesk.server.reference.common import (
    base_fields,
    read_name,
    read_optional_str,
    read_reference,
    self_links,
    stamps,
)
from refdesk.server.reference.kinds import Changes, Extras, Kind, WriteContext
from refdesk.server.reference.models import (
    GameType,
    Gender,
    Group,
    GroupMembership,
    League,
    Position,
    Team,
)
from refdesk.server.sites.models import Site


def _named(model: type[Any], plural: str, resource_type: str, singular: str) -> Kind:
    async def read(ctx: WriteContext, data: dict[str, Any]) -> Changes:
        columns: dict[str, Any] = {}
        await read_name(ctx, data, model, columns)
        return Changes(columns)

    def represent(record: Any, site: Site, base: str, _extra: Any) -> dict[str, Any]:
        return {
            **base_fields(record, site),
            **stamps(record, site),
            "_links": self_links(base, plural, resource_type, record.id),
        }

    return Kind(plural, singular, resource_type, model, read, represent)


LEAGUES = _named(League, "leagues", "league", "league")
GAME_TYPES = _named(GameType, "game_types", "game-type", "game_type")
GENDERS = _named(Gender, "genders", "gender", "gender")


# Teams ---------------------------------------------------------------------------------------


async def read_team(ctx: WriteContext, data: dict[str, Any]) -> Changes:
    columns: dict[str, Any] = {}
    await read_name(ctx, data, Team, columns)
    await read_reference(ctx, data, "league_id", League, columns)
    return Changes(columns)


def represent_team(team: Team, site: Site, base: str, _extra: Any) -> dict[str, Any]:
    return {
        **base_fields(team, site),
        "league_id": team.league_id,
        **stamps(team, site),
        "_links": self_links(base, "teams", "team", team.id),
    }


TEAMS = Kind("teams", "team", "team", Team, read_team, represent_team)


# Groups --------------------------------------------------------------------------------------


async def read_group(ctx: WriteContext, data: dict[str, Any]) -> Changes:
    columns: dict[str, Any] = {}
    await read_name(ctx, data, Group, columns)
    read_optional_str(ctx, data, "description", 255, columns)
    return Changes(columns)


async def group_counts(session: AsyncSession, groups: list[Group], _site: Site) -> Extras:
    if not groups:
        return {}
    rows = await session.execute(
        select(GroupMembership.group_id, func.count())
        .where(GroupMembership.group_id.in_([g.id for g in groups]))
        .group_by(GroupMembership.group_id)
    )
    return {group_id: count for group_id, count in rows.all()}


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
    "groups", "group", "group", Group, read_group, represent_group, load_extras=group_counts
)


# Positions -----------------------------------------------------------------------------------


def initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word)[:10].upper()


async def read_position(ctx: WriteContext, data: dict[str, Any]) -> Changes:
    columns: dict[str, Any] = {}
    await read_name(ctx, data, Position, columns)
    if "abbreviation" in data:
        value = read_str(data["abbreviation"], "abbreviation", ctx.errors, 10)
        if value is not INVALID:
            columns["abbreviation"] = value
    if ctx.creating or "abbreviation" in columns:
        if not columns.get("abbreviation") and "name" in columns:
            columns["abbreviation"] = initials(columns["name"])
        elif not columns.get("abbreviation") and ctx.record is not None:
            columns["abbreviation"] = initials(ctx.record.name)
    await read_reference(ctx, data, "group_id", Group, columns)
    return Changes(columns)


def represent_position(position: Position, site: Site, base: str, _x: Any) -> dict[str, Any]:
    return {
        **base_fields(position, site),
        "abbreviation": position.abbreviation,
        "group_id": position.group_id,
        **stamps(position, site),
        "_links": self_links(base, "positions", "position", position.id),
    }


POSITIONS = Kind("positions", "position", "position", Position, read_position, represent_position)
