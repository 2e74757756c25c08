"""The reference kinds of contract §18.2 other than venues and zones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.api.hal import link
from refdesk.server.fields import INVALID, is_blank, read_int, read_money, read_str
from refdesk.server.games.derived import recompute_ends
from refdesk.server.money import amount_json, formatted
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
    AgeGroup,
    AgeGroupFee,
    GameType,
    Gender,
    Group,
    GroupMembership,
    League,
    Pattern,
    PatternPosition,
    Position,
    Team,
)
from refdesk.server.sites.models import Site

MAX_PATTERN_POSITIONS = 20
MAX_FEES = 500


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


# Patterns ------------------------------------------------------------------------------------


async def _positions_by_id(session: AsyncSession, site: Site, ids: set[int]) -> dict[int, Position]:
    if not ids:
        return {}
    rows = await session.scalars(
        select(Position).where(Position.site_id == site.id, Position.id.in_(ids))
    )
    return {p.id: p for p in rows.all()}


def _pattern_entries(data: dict[str, Any]) -> Any:
    if "positions" in data:
        return data["positions"]
    legacy = data.get("position_patterns_attributes")
    if isinstance(legacy, list):
        try:
            ordered = sorted(
                (e for e in legacy if isinstance(e, dict)),
                key=lambda e: int(e.get("rank_order") or 0),
            )
        except (TypeError, ValueError):
            return INVALID
        return [{"name": e.get("position_name")} for e in ordered]
    if legacy is not None:
        return INVALID
    return None


async def read_pattern(ctx: WriteContext, data: dict[str, Any]) -> Changes:
    """Positions as ids, ``{"position_id"}``, ``{"name", "abbreviation"}`` or names."""
    columns: dict[str, Any] = {}
    await read_name(ctx, data, Pattern, columns)
    entries = _pattern_entries(data)
    if entries is None:
        if ctx.creating:
            ctx.errors.add("positions", "can't be blank")
        return Changes(columns)
    if entries is INVALID or not isinstance(entries, list):
        ctx.errors.add("positions", "is invalid")
        return Changes(columns)
    if not entries:
        ctx.errors.add("positions", "can't be blank")
        return Changes(columns)
    if len(entries) > MAX_PATTERN_POSITIONS:
        ctx.errors.add("positions", f"is too long (maximum is {MAX_PATTERN_POSITIONS} entries)")
        return Changes(columns)
    wanted: list[int | tuple[str, str | None]] = []
    for entry in entries:
        if isinstance(entry, dict) and "position_id" in entry:
            entry = entry["position_id"]
        if isinstance(entry, bool):
            ctx.errors.add("positions", "is invalid")
            return Changes(columns)
        if isinstance(entry, int) or (isinstance(entry, str) and entry.strip().isdigit()):
            wanted.append(int(entry))
        elif isinstance(entry, (str, dict)):
            name = entry if isinstance(entry, str) else entry.get("name")
            abbreviation = entry.get("abbreviation") if isinstance(entry, dict) else None
            name = read_str(name, "positions", ctx.errors, 90, required=True)
            abbreviation = read_str(abbreviation, "positions", ctx.errors, 10)
            if name is INVALID or abbreviation is INVALID:
                return Changes(columns)
            wanted.append((name, abbreviation))
        else:
            ctx.errors.add("positions", "is invalid")
            return Changes(columns)
    known = await _positions_by_id(ctx.session, ctx.site, {w for w in wanted if isinstance(w, int)})
    if any(isinstance(w, int) and w not in known for w in wanted):
        ctx.errors.add("positions", "does not exist")
        return Changes(columns)
    return Changes(columns, {"positions": wanted})


async def save_pattern_positions(
    ctx: WriteContext, pattern: Pattern, extra: dict[str, Any]
) -> None:
    if "positions" not in extra:
        return
    ids: list[int] = []
    created: dict[str, Position] = {}
    for entry in extra["positions"]:
        if isinstance(entry, int):
            ids.append(entry)
            continue
        name, abbreviation = entry
        key = name.lower()
        position = created.get(key) or await ctx.session.scalar(
            select(Position).where(
                Position.site_id == ctx.site.id, func.lower(Position.name) == key
            )
        )
        if position is None:
            position = Position(
                site_id=ctx.site.id, name=name, abbreviation=abbreviation or initials(name)
            )
            ctx.session.add(position)
            await ctx.session.flush()
        created[key] = position
        ids.append(position.id)
    await ctx.session.execute(
        delete(PatternPosition).where(PatternPosition.pattern_id == pattern.id)
    )
    for order, position_id in enumerate(ids, start=1):
        ctx.session.add(
            PatternPosition(pattern_id=pattern.id, position_id=position_id, sort_order=order)
        )
    await ctx.session.flush()


async def pattern_positions(session: AsyncSession, patterns: list[Pattern], _site: Site) -> Extras:
    if not patterns:
        return {}
    rows = await session.execute(
        select(PatternPosition.pattern_id, PatternPosition.sort_order, Position)
        .join(Position, Position.id == PatternPosition.position_id)
        .where(PatternPosition.pattern_id.in_([p.id for p in patterns]))
        .order_by(PatternPosition.pattern_id, PatternPosition.sort_order)
    )
    result: Extras = {}
    for pattern_id, order, position in rows.all():
        result.setdefault(pattern_id, []).append(
            {
                "position_id": position.id,
                "name": position.name,
                "abbreviation": position.abbreviation,
                "sort_order": order,
            }
        )
    return result


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
    read_pattern,
    represent_pattern,
    load_extras=pattern_positions,
    save_extras=save_pattern_positions,
)


# Age groups ----------------------------------------------------------------------------------


async def read_age_group(ctx: WriteContext, data: dict[str, Any]) -> Changes:
    columns: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    await read_name(ctx, data, AgeGroup, columns)
    if "game_length" in data:
        if is_blank(data["game_length"]):
            ctx.errors.add("game_length", "can't be blank")
        else:
            value = read_int(data["game_length"], "game_length", ctx.errors, 0, 1440)
            if value is not INVALID:
                columns["game_length"] = value
                if ctx.record is not None and value != ctx.record.game_length:
                    extra["recompute_ends"] = value
    if "min_official_age" in data:
        if is_blank(data["min_official_age"]):
            columns["min_official_age"] = None
        else:
            value = read_int(data["min_official_age"], "min_official_age", ctx.errors, 0, 99)
            if value is not INVALID:
                columns["min_official_age"] = value
    if "fees" in data:
        fees = await _read_fees(ctx, data["fees"])
        if fees is not None:
            extra["fees"] = fees
    return Changes(columns, extra)


async def _read_fees(ctx: WriteContext, value: Any) -> list[tuple[int, int, Decimal]] | None:
    if is_blank(value):
        return []
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        ctx.errors.add("fees", "is invalid")
        return None
    if len(value) > MAX_FEES:
        ctx.errors.add("fees", f"is too long (maximum is {MAX_FEES} entries)")
        return None
    fees: list[tuple[int, int, Decimal]] = []
    for entry in value:
        pattern_id = (
            read_int(entry.get("pattern_id"), "fees", ctx.errors, 1, 2**63 - 1)
            if not is_blank(entry.get("pattern_id"))
            else INVALID
        )
        position_id = (
            read_int(entry.get("position_id"), "fees", ctx.errors, 1, 2**63 - 1)
            if not is_blank(entry.get("position_id"))
            else INVALID
        )
        amount = (
            read_money(entry.get("amount"), "fees", ctx.errors)
            if not is_blank(entry.get("amount"))
            else INVALID
        )
        if pattern_id is INVALID or position_id is INVALID or amount is INVALID:
            if not ctx.errors.errors.get("fees"):
                ctx.errors.add("fees", "is invalid")
            return None
        assert isinstance(amount, Decimal)
        fees.append((int(str(pattern_id)), int(str(position_id)), amount))
    pairs = [(p, q) for p, q, _ in fees]
    if len(set(pairs)) != len(pairs):
        ctx.errors.add("fees", "has duplicate entries")
        return None
    patterns = set(
        await ctx.session.scalars(
            select(Pattern.id).where(
                Pattern.site_id == ctx.site.id, Pattern.id.in_({p for p, _ in pairs})
            )
        )
    )
    positions = set(
        await ctx.session.scalars(
            select(Position.id).where(
                Position.site_id == ctx.site.id, Position.id.in_({q for _, q in pairs})
            )
        )
    )
    if any(p not in patterns or q not in positions for p, q in pairs):
        ctx.errors.add("fees", "does not exist")
        return None
    return fees


async def save_fees(ctx: WriteContext, age_group: AgeGroup, extra: dict[str, Any]) -> None:
    if "recompute_ends" in extra:
        await recompute_ends(ctx.session, age_group.id, extra["recompute_ends"])
    if "fees" not in extra:
        return
    await ctx.session.execute(delete(AgeGroupFee).where(AgeGroupFee.age_group_id == age_group.id))
    for pattern_id, position_id, amount in extra["fees"]:
        ctx.session.add(
            AgeGroupFee(
                age_group_id=age_group.id,
                pattern_id=pattern_id,
                position_id=position_id,
                amount=amount,
            )
        )
    await ctx.session.flush()


async def age_group_fees(session: AsyncSession, groups: list[AgeGroup], site: Site) -> Extras:
    if not groups:
        return {}
    rows = await session.execute(
        select(AgeGroupFee, Pattern.name, Position.name)
        .join(Pattern, Pattern.id == AgeGroupFee.pattern_id)
        .join(Position, Position.id == AgeGroupFee.position_id)
        .where(AgeGroupFee.age_group_id.in_([g.id for g in groups]))
        .order_by(AgeGroupFee.age_group_id, AgeGroupFee.id)
    )
    result: Extras = {}
    for fee, pattern_name, position_name in rows.all():
        result.setdefault(fee.age_group_id, []).append(
            {
                "pattern_id": fee.pattern_id,
                "position_id": fee.position_id,
                "amount": amount_json(fee.amount),
                "pattern": pattern_name,
                "position": position_name,
                "formatted": formatted(fee.amount, site.currency),
            }
        )
    return result


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
    read_age_group,
    represent_age_group,
    load_extras=age_group_fees,
    save_extras=save_fees,
)
