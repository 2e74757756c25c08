"""The patterns reference kind (contract §18.2): a named, ordered list of positions, given
as position ids or as names that create the missing positions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.fields import INVALID, MAX_INT, read_int, read_str
from refdesk.server.reference.common import (
    base_fields,
    find_or_create_named,
    read_name,
    self_links,
    stamps,
)
from refdesk.server.reference.kinds import Changes, Extras, Kind, WriteContext
from refdesk.server.reference.models import Pattern, PatternPosition, Position
from refdesk.server.reference.representation import initials
from refdesk.server.sites.models import Site

MAX_PATTERN_POSITIONS = 20


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
        digits = isinstance(entry, str) and entry.strip().isascii() and entry.strip().isdigit()
        if isinstance(entry, int) or digits:
            position_id = read_int(entry, "positions", ctx.errors, 1, MAX_INT)
            if position_id is INVALID:
                return Changes(columns)
            wanted.append(position_id)
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
        position = created.get(key) or await find_or_create_named(
            ctx.session, Position, ctx.site.id, name, abbreviation=abbreviation or initials(name)
        )
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
