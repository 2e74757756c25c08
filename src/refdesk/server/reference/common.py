"""Field readers shared by the reference kinds: unique names, same-site references."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.api.hal import link
from refdesk.server.db.unique import add_unless_taken
from refdesk.server.fields import INVALID, is_blank, read_int, read_str
from refdesk.server.reference.kinds import Record, WriteContext
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import timestamp


async def read_name(
    ctx: WriteContext, data: dict[str, Any], model: type[Any], columns: dict[str, Any]
) -> None:
    """``name``: required on create, max 90, unique in the site (case-insensitive)."""
    if not ctx.creating and "name" not in data:
        return
    name = read_str(data.get("name"), "name", ctx.errors, 90, required=True)
    if name is INVALID:
        return
    query = select(model.id).where(
        model.site_id == ctx.site.id, func.lower(model.name) == name.lower()
    )
    if ctx.record is not None:
        query = query.where(model.id != ctx.record.id)
    if await ctx.session.scalar(query.limit(1)):
        ctx.errors.add("name", "has already been taken")
        return
    columns["name"] = name


async def find_or_create_named(
    session: AsyncSession, model: type[Any], site_id: int, name: str, **values: Any
) -> Any:
    """The site's ``model`` record called ``name`` (case-insensitive), created when missing.

    When a concurrent writer creates the same name between our look-up and our insert, the
    unique name index refuses ours and we use theirs, as if we had come second (§16.2).
    """
    query = select(model).where(model.site_id == site_id, func.lower(model.name) == name.lower())
    found = await session.scalar(query)
    if found is not None:
        return found
    record = model(site_id=site_id, name=name, **values)
    if await add_unless_taken(session, record):
        return record
    return await session.scalar(query)


async def read_reference(
    ctx: WriteContext,
    data: dict[str, Any],
    field: str,
    model: type[Any],
    columns: dict[str, Any],
) -> None:
    """An optional ``*_id`` naming a record of the same site (else ``does not exist``)."""
    if field not in data:
        return
    if is_blank(data[field]):
        columns[field] = None
        return
    ref_id = read_int(data[field], field, ctx.errors, 1, 2**63 - 1)
    if ref_id is INVALID:
        return
    found = await ctx.session.scalar(
        select(model.id).where(model.id == ref_id, model.site_id == ctx.site.id)
    )
    if not found:
        ctx.errors.add(field, "does not exist")
        return
    columns[field] = ref_id


def read_optional_str(
    ctx: WriteContext,
    data: dict[str, Any],
    field: str,
    max_length: int,
    columns: dict[str, Any],
    *,
    aliases: tuple[str, ...] = (),
    column: str | None = None,
) -> None:
    """An optional string given under ``field`` or one of its input aliases."""
    for name in (field, *aliases):
        if name in data:
            value = read_str(data[name], name, ctx.errors, max_length)
            if value is not INVALID:
                columns[column or field] = value
            return


def base_fields(record: Record, site: Site) -> dict[str, Any]:
    return {"id": record.id, "name": record.name}


def stamps(record: Record, site: Site) -> dict[str, Any]:
    return {
        "created": timestamp(record.created, site.timezone),
        "updated": timestamp(record.updated, site.timezone),
    }


def self_links(base: str, plural: str, resource_type: str, record_id: int) -> dict[str, Any]:
    return {"self": link(base, f"/{plural}/{record_id}", resource_type)}
