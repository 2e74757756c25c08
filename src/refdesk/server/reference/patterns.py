"""The patterns reference kind (contract §18.2): a named, ordered list of positions, given
as position ids or as names that create the missing positions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.errors import ErrorCollector
from refdesk.server.reference.common import find_or_create_named, initials
from refdesk.server.reference.kinds import Changes, Extras, WriteContext
from refdesk.server.reference.models import PatternPosition, Position
from refdesk.server.reference.schemas import PatternWrite
from refdesk.server.sites.models import Site


async def check_positions(ctx: WriteContext, write: PatternWrite, errors: ErrorCollector) -> None:
    """Required on create; every id names a position of the site."""
    if write.messages_of("positions"):
        return
    if not isinstance(write.positions, tuple):
        if ctx.creating:
            errors.add("positions", "can't be blank")
        return
    ids = {p for p in write.positions if isinstance(p, int)}
    if not ids:
        return
    known = set(
        await ctx.session.scalars(
            select(Position.id).where(Position.site_id == ctx.site.id, Position.id.in_(ids))
        )
    )
    if ids - known:
        errors.add("positions", "does not exist")


def pattern_changes(_ctx: WriteContext, write: PatternWrite) -> Changes:
    extra = {"positions": write.positions} if isinstance(write.positions, tuple) else {}
    return Changes(write.columns(), extra)


async def save_pattern_positions(ctx: WriteContext, pattern: Any, extra: dict[str, Any]) -> None:
    if "positions" not in extra:
        return
    ids: list[int] = []
    created: dict[str, Position] = {}
    for entry in extra["positions"]:
        if isinstance(entry, int):
            ids.append(entry)
            continue
        key = entry.name.lower()
        position = created.get(key) or await find_or_create_named(
            ctx.session,
            Position,
            ctx.site.id,
            entry.name,
            abbreviation=entry.abbreviation or initials(entry.name),
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


async def pattern_positions(session: AsyncSession, patterns: list[Any], _site: Site) -> Extras:
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
