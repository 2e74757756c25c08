"""The age groups reference kind (contract §18.2): game length, minimum official age and the
fee per pattern and position; a new game length moves the end of the age group's games."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.fields import INVALID, is_blank, read_int, read_money
from refdesk.server.games.derived import recompute_ends
from refdesk.server.money import amount_json, formatted
from refdesk.server.reference.common import base_fields, read_name, self_links, stamps
from refdesk.server.reference.kinds import Changes, Extras, Kind, WriteContext
from refdesk.server.reference.models import AgeGroup, AgeGroupFee, Pattern, Position
from refdesk.server.sites.models import Site

MAX_FEES = 500


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
