"""One service for every reference kind: list, create, read, update, delete (§18.1–18.2).

Reads: any member of the site (402 when lapsed). Writes: assignors and managers. Writes take
the kind's typed input (``reference/schemas.py``, ``venues/schemas.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.db.locking import apply_changes, check_lock_version
from refdesk.server.db.paging import page_of
from refdesk.server.db.restrict import delete_checked, ensure_unreferenced
from refdesk.server.db.unique import flush_unique, unique_rule
from refdesk.server.errors import ErrorCollector
from refdesk.server.paging import PageRequest
from refdesk.server.reference.common import check_name, check_reference
from refdesk.server.reference.kinds import Extras, Kind, Record, WriteContext
from refdesk.server.reference.schemas import ReferenceQuery, ReferenceWrite
from refdesk.server.sites.access import Membership, load_in_site, site_membership
from refdesk.server.sites.models import Site


@dataclass
class Listing:
    site: Site
    records: list[Record]
    extras: Extras
    total: int
    page: PageRequest
    name_filter: str | None


async def list_records(
    session: AsyncSession, principal: Principal, kind: Kind, site_id: int, query: ReferenceQuery
) -> Listing:
    member = await site_membership(session, principal, site_id)
    query.raise_if_invalid()
    model = kind.model
    statement = select(model).where(model.site_id == site_id)
    if query.name:
        escaped = query.name.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(func.lower(model.name).like(f"%{escaped}%", escape="\\"))
    records, total = await page_of(
        session, statement, (func.lower(model.name), model.id), query.page
    )
    extras = await kind.load_extras(session, records, member.site)
    return Listing(member.site, records, extras, total, query.page, query.name)


async def load_record(
    session: AsyncSession,
    principal: Principal,
    kind: Kind,
    record_id: int,
    *,
    for_update: bool = False,
) -> tuple[Record, Membership]:
    record, member = await load_in_site(
        session, principal, kind.model, record_id, for_update=for_update
    )
    return record, member


async def extras_of(session: AsyncSession, kind: Kind, record: Record, site: Site) -> Any:
    return (await kind.load_extras(session, [record], site)).get(record.id)


# A concurrent writer may take the name between our check and our write: the unique index
# refuses the second write, which gets the check's answer.
NAME_TAKEN = {"name": ["has already been taken"]}


async def checked(ctx: WriteContext, kind: Kind, write: ReferenceWrite) -> ErrorCollector:
    """The input's problems and the database's checks, in the fields' order: the name first,
    the other fields as parsed, then the same-site references and the kind's own checks."""
    errors = ErrorCollector()
    await check_name(ctx, kind.model, write, errors)
    for field, message in write.problems:
        if field not in ("name", "lock_version"):
            errors.add(field, message)
    for field, model in kind.references:
        await check_reference(ctx, field, model, getattr(write, field, None), errors)
    await kind.check(ctx, write, errors)
    return errors


async def create_record(
    session: AsyncSession, principal: Principal, kind: Kind, site_id: int, write: ReferenceWrite
) -> tuple[Record, Site]:
    member = await site_membership(session, principal, site_id)
    member.require(member.administers, f"create {kind.plural.replace('_', ' ')}")
    ctx = WriteContext(session, member.site, None, principal.account_id)
    (await checked(ctx, kind, write)).raise_if_any()
    changes = kind.changes(ctx, write)
    record = kind.model(site_id=site_id, **changes.columns)
    session.add(record)
    await flush_unique(session, NAME_TAKEN)
    await kind.save_extras(ctx, record, changes.extra)
    return record, member.site


async def update_record(
    session: AsyncSession, principal: Principal, kind: Kind, record_id: int, write: ReferenceWrite
) -> tuple[Record, Site]:
    record, member = await load_record(session, principal, kind, record_id, for_update=True)
    member.require(member.administers, f"change {kind.plural.replace('_', ' ')}")
    if kind.versioned:
        write.errors_of("lock_version").raise_if_any()
        check_lock_version(record, write.lock_version)
    ctx = WriteContext(session, member.site, record, principal.account_id)
    (await checked(ctx, kind, write)).raise_if_any()
    changes = kind.changes(ctx, write)
    async with unique_rule(session, NAME_TAKEN):
        if kind.versioned:
            await apply_changes(session, record, changes.columns, write.lock_version)
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
