"""Database work shared by the reference kinds: unique names, same-site references, the
counts of a group's members, and the find-or-create of named records (used by games too)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.db.unique import add_unless_taken
from refdesk.server.errors import ErrorCollector
from refdesk.server.reference.kinds import Changes, Extras, WriteContext
from refdesk.server.reference.models import Group, GroupMembership
from refdesk.server.reference.schemas import PositionWrite, ReferenceWrite
from refdesk.server.sites.models import Site


def initials(name: str) -> str:
    """A position's default abbreviation."""
    return "".join(word[0] for word in name.split() if word)[:10].upper()


def position_changes(ctx: WriteContext, write: PositionWrite) -> Changes:
    """A missing (on create) or blank abbreviation becomes the name's initials."""
    columns = write.columns()
    if ctx.creating or "abbreviation" in columns:
        if not columns.get("abbreviation") and "name" in columns:
            columns["abbreviation"] = initials(columns["name"])
        elif not columns.get("abbreviation") and ctx.record is not None:
            columns["abbreviation"] = initials(ctx.record.name)
    return Changes(columns)


async def name_taken(ctx: WriteContext, model: type[Any], name: str) -> bool:
    """Another record of the site has this name (case-insensitive)."""
    query = select(model.id).where(
        model.site_id == ctx.site.id, func.lower(model.name) == name.lower()
    )
    if ctx.record is not None:
        query = query.where(model.id != ctx.record.id)
    return bool(await ctx.session.scalar(query.limit(1)))


async def check_name(
    ctx: WriteContext, model: type[Any], write: ReferenceWrite, errors: ErrorCollector
) -> None:
    """``name``: required on create, max 90, unique in the site (case-insensitive); the
    parse problems of ``name`` first, then the database's answer."""
    problems = write.messages_of("name")
    for message in problems:
        errors.add("name", message)
    if problems:
        return
    if isinstance(write.name, str):
        if await name_taken(ctx, model, write.name):
            errors.add("name", "has already been taken")
    elif ctx.creating:
        errors.add("name", "can't be blank")


async def check_reference(
    ctx: WriteContext, field: str, model: type[Any], value: Any, errors: ErrorCollector
) -> None:
    """An ``*_id`` naming a record of the same site (else ``does not exist``)."""
    if not isinstance(value, int):
        return
    found = await ctx.session.scalar(
        select(model.id).where(model.id == value, model.site_id == ctx.site.id)
    )
    if not found:
        errors.add(field, "does not exist")


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


async def group_counts(session: AsyncSession, groups: list[Group], _site: Site) -> Extras:
    """Each group's number of members."""
    if not groups:
        return {}
    rows = await session.execute(
        select(GroupMembership.group_id, func.count())
        .where(GroupMembership.group_id.in_([g.id for g in groups]))
        .group_by(GroupMembership.group_id)
    )
    return {group_id: count for group_id, count in rows.all()}
