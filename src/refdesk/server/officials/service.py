"""Official conflicts and abilities (contract §17.3, §17.4): assignors write, managers read,
officials never see them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.db.unique import flush_unique
from refdesk.server.errors import NotFound, ValidationFailed
from refdesk.server.inputs import UNSET
from refdesk.server.officials.models import Ability, OfficialConflict
from refdesk.server.officials.schemas import (
    CONFLICT_ID_FIELDS,
    AbilitiesInput,
    ConflictInput,
    PagedQuery,
)
from refdesk.server.paging import PageRequest
from refdesk.server.reference.models import AgeGroup, League, Position, Team
from refdesk.server.sites.access import Membership, check_id
from refdesk.server.users.models import User
from refdesk.server.users.service import load_user
from refdesk.server.venues.models import Venue

AbilityRow = tuple[Ability, str, str | None]  # the entry, its age group's and position's names

# A concurrent duplicate passes the check too; the unique index gives it the same answer.
CONFLICT_TAKEN = {"base": ["has already been taken"]}

_MODELS: dict[str, type[Any]] = {"team": Team, "league": League, "venue": Venue, "official": User}
TARGETS: dict[str, tuple[str, type[Any]]] = {
    kind: (column, _MODELS[kind]) for kind, column in CONFLICT_ID_FIELDS.items()
}


async def _user(
    session: AsyncSession, principal: Principal, user_id: int, *, write: bool
) -> tuple[User, Membership]:
    """Writes lock the official's row: a whole-list replacement (abilities) is then applied
    one after the other, never interleaved."""
    user, member = await load_user(session, principal, user_id, for_update=write)
    if write:
        member.require(member.assignor, "record conflicts and abilities")
    else:
        member.require(member.administers, "read conflicts and abilities")
    return user, member


async def conflict_names(
    session: AsyncSession, conflicts: list[OfficialConflict]
) -> dict[int, str]:
    names: dict[int, str] = {}
    for kind, (column, model) in TARGETS.items():
        ids = {getattr(c, column) for c in conflicts if c.kind == kind}
        if not ids:
            continue
        if model is User:
            rows = await session.execute(
                select(User.id, User.first_name, User.last_name).where(User.id.in_(ids))
            )
            found = {uid: f"{first} {last}" for uid, first, last in rows.all()}
        else:
            rows2 = await session.execute(select(model.id, model.name).where(model.id.in_(ids)))
            found = {rid: name for rid, name in rows2.all()}
        for conflict in conflicts:
            if conflict.kind == kind:
                names[conflict.id] = found.get(getattr(conflict, column), "")
    return names


async def list_conflicts(
    session: AsyncSession, principal: Principal, user_id: int, query: PagedQuery
) -> tuple[User, Membership, list[OfficialConflict], dict[int, str], int, PageRequest]:
    """The page of an official's conflicts ordered by kind and name (the names are joined
    here, so the page is cut after the sort), with each conflict's name."""
    user, member = await _user(session, principal, user_id, write=False)
    query.raise_if_invalid()
    page = query.page
    conflicts = list(
        (
            await session.scalars(
                select(OfficialConflict).where(OfficialConflict.user_id == user.id)
            )
        ).all()
    )
    names = await conflict_names(session, conflicts)
    conflicts.sort(key=lambda c: (c.kind, names.get(c.id, "").lower(), c.id))
    window = conflicts[page.offset : page.offset + page.limit]
    return user, member, window, names, len(conflicts), page


async def create_conflict(
    session: AsyncSession, principal: Principal, user_id: int, inp: ConflictInput
) -> tuple[OfficialConflict, Membership, str]:
    user, member = await _user(session, principal, user_id, write=True)
    errors = inp.errors()
    for field, message in inp.missing():
        errors.add(field, message)
    values: dict[str, Any] = {}
    if inp.kind is not None and inp.column is not None and inp.target is not None:
        model = TARGETS[inp.kind][1]
        query = select(model.id).where(model.id == inp.target, model.site_id == user.site_id)
        if model is User:
            query = query.where(User.official.is_(True), User.id != user.id)
        if not await session.scalar(query):
            errors.add(inp.column, "does not exist")
        else:
            values[inp.column] = inp.target
    for field, message in inp.note_problems:
        errors.add(field, message)
    if inp.note is not UNSET:
        values["note"] = inp.note
    errors.raise_if_any()
    assert inp.kind is not None and inp.column is not None  # else a problem was raised
    exists = await session.scalar(
        select(OfficialConflict.id).where(
            OfficialConflict.user_id == user.id,
            OfficialConflict.kind == inp.kind,
            getattr(OfficialConflict, inp.column) == values[inp.column],
        )
    )
    if exists:
        raise ValidationFailed(CONFLICT_TAKEN)
    conflict = OfficialConflict(user_id=user.id, kind=inp.kind, **values)
    session.add(conflict)
    await flush_unique(session, CONFLICT_TAKEN)
    names = await conflict_names(session, [conflict])
    return conflict, member, names.get(conflict.id, "")


async def delete_conflict(
    session: AsyncSession, principal: Principal, user_id: int, conflict_id: int
) -> None:
    user, _ = await _user(session, principal, user_id, write=True)
    check_id(conflict_id)
    conflict = await session.get(OfficialConflict, conflict_id)
    if conflict is None or conflict.user_id != user.id:
        raise NotFound()
    await session.delete(conflict)
    await session.flush()


async def abilities_of(session: AsyncSession, user: User) -> list[AbilityRow]:
    """The official's entries with their age group's and position's names, in list order."""
    rows = await session.execute(
        select(Ability, AgeGroup.name, Position.name)
        .join(AgeGroup, AgeGroup.id == Ability.age_group_id)
        .outerjoin(Position, Position.id == Ability.position_id)
        .where(Ability.user_id == user.id)
        .order_by(
            func.lower(AgeGroup.name),
            Ability.age_group_id,
            Ability.position_id.is_not(None),
            func.lower(func.coalesce(Position.name, "")),
            Ability.id,
        )
    )
    return [(a, age_name, position_name) for a, age_name, position_name in rows.all()]


async def read_abilities(
    session: AsyncSession, principal: Principal, user_id: int
) -> tuple[User, list[AbilityRow]]:
    user, _ = await _user(session, principal, user_id, write=False)
    return user, await abilities_of(session, user)


async def replace_abilities(
    session: AsyncSession, principal: Principal, user_id: int, inp: AbilitiesInput
) -> tuple[User, list[AbilityRow]]:
    user, _ = await _user(session, principal, user_id, write=True)
    inp.raise_if_invalid()
    pairs = [(e.age_group_id, e.position_id) for e in inp.entries]
    ages = set(
        await session.scalars(
            select(AgeGroup.id).where(
                AgeGroup.site_id == user.site_id, AgeGroup.id.in_({a for a, _ in pairs})
            )
        )
    )
    positions = set(
        await session.scalars(
            select(Position.id).where(
                Position.site_id == user.site_id,
                Position.id.in_({p for _, p in pairs if p is not None}),
            )
        )
    )
    if any(a not in ages or (p is not None and p not in positions) for a, p in pairs):
        raise ValidationFailed({"abilities": ["does not exist"]})
    await session.execute(delete(Ability).where(Ability.user_id == user.id))
    for entry in inp.entries:
        session.add(
            Ability(
                user_id=user.id,
                age_group_id=entry.age_group_id,
                position_id=entry.position_id,
                allowed=entry.allowed,
            )
        )
    await session.flush()
    return user, await abilities_of(session, user)


def qualified(entries: list[Ability], age_group_id: int, position_id: int) -> bool:
    """§17.4: an allowed (age group, position) entry, or an allowed (age group, null) entry
    without a disallowing (age group, position) entry."""
    specific = [
        e for e in entries if e.age_group_id == age_group_id and e.position_id == position_id
    ]
    if specific:
        return specific[0].allowed
    return any(
        e.age_group_id == age_group_id and e.position_id is None and e.allowed for e in entries
    )
