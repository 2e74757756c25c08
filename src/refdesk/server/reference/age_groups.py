"""The age groups reference kind (contract §18.2): game length, minimum official age and the
fee per pattern and position; a new game length moves the end of the age group's games."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.errors import ErrorCollector
from refdesk.server.games.derived import recompute_ends
from refdesk.server.money import amount_json, formatted
from refdesk.server.reference.kinds import Changes, Extras, WriteContext
from refdesk.server.reference.models import AgeGroup, AgeGroupFee, Pattern, Position
from refdesk.server.reference.schemas import AgeGroupWrite
from refdesk.server.sites.models import Site


async def check_fees(ctx: WriteContext, write: AgeGroupWrite, errors: ErrorCollector) -> None:
    """Every fee names a pattern and a position of the site."""
    if not isinstance(write.fees, tuple) or not write.fees:
        return
    patterns = set(
        await ctx.session.scalars(
            select(Pattern.id).where(
                Pattern.site_id == ctx.site.id, Pattern.id.in_({f.pattern_id for f in write.fees})
            )
        )
    )
    positions = set(
        await ctx.session.scalars(
            select(Position.id).where(
                Position.site_id == ctx.site.id,
                Position.id.in_({f.position_id for f in write.fees}),
            )
        )
    )
    if any(f.pattern_id not in patterns or f.position_id not in positions for f in write.fees):
        errors.add("fees", "does not exist")


def age_group_changes(ctx: WriteContext, write: AgeGroupWrite) -> Changes:
    extra: dict[str, Any] = {}
    record = ctx.record
    changed = record is not None and write.game_length != record.game_length
    if isinstance(write.game_length, int) and changed:
        extra["recompute_ends"] = write.game_length
    if isinstance(write.fees, tuple):
        extra["fees"] = write.fees
    return Changes(write.columns(), extra)


async def save_fees(ctx: WriteContext, age_group: AgeGroup, extra: dict[str, Any]) -> None:
    if "recompute_ends" in extra:
        await recompute_ends(
            ctx.session, ctx.site, age_group.id, extra["recompute_ends"], ctx.actor
        )
    if "fees" not in extra:
        return
    await ctx.session.execute(delete(AgeGroupFee).where(AgeGroupFee.age_group_id == age_group.id))
    for fee in extra["fees"]:
        ctx.session.add(
            AgeGroupFee(
                age_group_id=age_group.id,
                pattern_id=fee.pattern_id,
                position_id=fee.position_id,
                amount=fee.amount,
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
