"""One service for every reference kind: list, create, read, update, delete (§18.1–18.2).

Reads: any member of the site (402 when lapsed). Writes: assignors and managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.db.locking import apply_changes, check_lock_version, expected_lock_version
from refdesk.server.db.restrict import delete_checked, ensure_unreferenced
from refdesk.server.db.unique import flush_unique, unique_rule
from refdesk.server.errors import ErrorCollector, NotFound
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.reference.kinds import Extras, Kind, Record, WriteContext
from refdesk.server.sites.access import Membership, check_id, membership_in, site_membership
from refdesk.server.sites.models import Site


@dataclass
class Listing:
    site: Site
    records: list[Record]
    extras: Extras
    total: int
    page: PageRequest
    name_filter: str | None


def _name_filter(query: dict[str, Any]) -> str | None:
    search = query.get("search")
    name = search.get("name") if isinstance(search, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


async def list_records(
    session: AsyncSession, principal: Principal, kind: Kind, site_id: int, query: dict[str, Any]
) -> Listing:
    member = await site_membership(session, principal, site_id)
    errors = ErrorCollector()
    page = parse_page(query, errors)
    errors.raise_if_any()
    name = _name_filter(query)
    model = kind.model
    statement = select(model).where(model.site_id == site_id)
    if name:
        escaped = name.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(func.lower(model.name).like(f"%{escaped}%", escape="\\"))
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    records = list(
        (
            await session.scalars(
                statement.order_by(func.lower(model.name), model.id)
                .offset(page.offset)
                .limit(page.limit)
            )
        ).all()
    )
    extras = await kind.load_extras(session, records, member.site)
    return Listing(member.site, records, extras, int(total or 0), page, name)


async def load_record(
    session: AsyncSession,
    principal: Principal,
    kind: Kind,
    record_id: int,
    *,
    for_update: bool = False,
) -> tuple[Record, Membership]:
    check_id(record_id)
    record = await session.get(kind.model, record_id, with_for_update=for_update)
    if record is None:
        raise NotFound()
    site = await session.get(Site, record.site_id)
    if site is None:
        raise NotFound()
    return record, await membership_in(session, principal, site)


async def extras_of(session: AsyncSession, kind: Kind, record: Record, site: Site) -> Any:
    return (await kind.load_extras(session, [record], site)).get(record.id)


# A concurrent writer may take the name between our check and our write: the unique index
# refuses the second write, which gets the check's answer.
NAME_TAKEN = {"name": ["has already been taken"]}


async def create_record(
    session: AsyncSession, principal: Principal, kind: Kind, site_id: int, data: dict[str, Any]
) -> tuple[Record, Site]:
    member = await site_membership(session, principal, site_id)
    member.require(member.administers, f"create {kind.plural.replace('_', ' ')}")
    ctx = WriteContext(session, member.site, None)
    changes = await kind.read_fields(ctx, data)
    ctx.errors.raise_if_any()
    record = kind.model(site_id=site_id, **changes.columns)
    session.add(record)
    await flush_unique(session, NAME_TAKEN)
    await kind.save_extras(ctx, record, changes.extra)
    return record, member.site


async def update_record(
    session: AsyncSession, principal: Principal, kind: Kind, record_id: int, data: dict[str, Any]
) -> tuple[Record, Site]:
    record, member = await load_record(session, principal, kind, record_id, for_update=True)
    member.require(member.administers, f"change {kind.plural.replace('_', ' ')}")
    expected = expected_lock_version(data) if kind.versioned else None
    if kind.versioned:
        check_lock_version(record, expected)
    ctx = WriteContext(session, member.site, record)
    changes = await kind.read_fields(ctx, data)
    ctx.errors.raise_if_any()
    async with unique_rule(session, NAME_TAKEN):
        if kind.versioned:
            await apply_changes(session, record, changes.columns, expected)
        else:
            for key, value in changes.columns.items():
                setattr(record, key, value)
        await session.flush()
    await kind.save_extras(ctx, record, changes.extra)
    return record, member.site


async def delete_record(
    session: AsyncSession, principal: Principal, kind: Kind, record_id: int
) -> None:
    record, member = await load_record(session, principal, kind, record_id, for_update=True)
    member.require(member.administers, f"delete {kind.plural.replace('_', ' ')}")
    await ensure_unreferenced(session, record)
    await kind.before_delete(session, record)
    await delete_checked(session, record)
