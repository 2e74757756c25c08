"""Statements (contract §18.3): assignors bill a period's slots of one official."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.days import day_of
from refdesk.server.db.paging import page_of
from refdesk.server.errors import ValidationFailed
from refdesk.server.games.bundle import load_bundle
from refdesk.server.games.models import Game
from refdesk.server.inputs import UNSET
from refdesk.server.paging import PageRequest
from refdesk.server.sites.access import (
    Membership,
    accessible_site_ids,
    load_in_site,
    site_membership,
)
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today
from refdesk.server.statements.models import Statement, StatementLine
from refdesk.server.statements.schemas import StatementChange, StatementInput, StatementQuery
from refdesk.server.users.models import User

FILTERS = ("search[start_date]", "search[end_date]", "search[status]", "search[user_id]")
NEWEST_FIRST = (Statement.statement_date.desc(), Statement.id.desc())


@dataclass(frozen=True)
class Statements:
    """Statements with what their documents show: each one's site membership (by site id),
    its lines and its official. One statement: ``total`` 1, ``page`` None."""

    statements: list[Statement]
    members: dict[int, Membership]
    lines: dict[int, list[StatementLine]]
    officials: dict[int, User]
    total: int = 1
    page: PageRequest | None = None


def _status_clause(status: str) -> ColumnElement[bool]:
    if status == "void":
        return Statement.void.is_(True)
    live = Statement.void.is_(False)
    if status == "unpaid":
        return live & (Statement.amount_paid <= 0)
    if status == "partially_paid":
        return live & (Statement.amount_paid > 0) & (Statement.amount_paid < Statement.amount)
    return live & (Statement.amount_paid > 0) & (Statement.amount_paid >= Statement.amount)


def _filters(query: StatementQuery) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if query.start_date is not None:
        clauses.append(Statement.statement_date >= query.start_date)
    if query.end_date is not None:
        clauses.append(Statement.statement_date <= query.end_date)
    if query.status is not None:
        clauses.append(_status_clause(query.status))
    if query.user_id is not None:
        clauses.append(Statement.user_id == query.user_id)
    return clauses


async def _statements(
    session: AsyncSession,
    rows: list[Statement],
    members: dict[int, Membership],
    total: int = 1,
    page: PageRequest | None = None,
) -> Statements:
    lines = await lines_of(session, rows)
    officials = await officials_of(session, rows)
    return Statements(rows, members, lines, officials, total, page)


async def my_statements(
    session: AsyncSession, principal: Principal, query: StatementQuery
) -> Statements:
    members = await accessible_site_ids(session, principal)
    query.raise_if_invalid()
    users = [m.user.id for m in members.values() if m.user is not None]
    statement = select(Statement).where(Statement.user_id.in_(users), *_filters(query))
    rows, total = await page_of(session, statement, NEWEST_FIRST, query.page)
    return await _statements(session, rows, members, total, query.page)


async def site_statements(
    session: AsyncSession, principal: Principal, site_id: int, query: StatementQuery
) -> Statements:
    member = await site_membership(session, principal, site_id)
    member.require(member.administers, "read this site's statements")
    query.raise_if_invalid()
    statement = select(Statement).where(Statement.site_id == site_id, *_filters(query))
    rows, total = await page_of(session, statement, NEWEST_FIRST, query.page)
    return await _statements(session, rows, {site_id: member}, total, query.page)


async def load_statement(
    session: AsyncSession, principal: Principal, statement_id: int, *, write: bool = False
) -> tuple[Statement, Membership]:
    statement, member = await load_in_site(
        session, principal, Statement, statement_id, for_update=write
    )
    own = member.user is not None and member.user.id == statement.user_id
    if write:
        member.require(member.assignor, "change statements")
    else:
        member.require(member.administers or own, "read this statement")
    return statement, member


async def get_statement(
    session: AsyncSession, principal: Principal, statement_id: int
) -> Statements:
    statement, member = await load_statement(session, principal, statement_id)
    return await _statements(session, [statement], {member.site.id: member})


async def create_statement(
    session: AsyncSession, principal: Principal, site_id: int, inp: StatementInput
) -> Statements:
    member = await site_membership(session, principal, site_id, for_update=True)
    member.require(member.assignor, "create statements")
    site = member.site
    today = site_today(site).date()
    errors = inp.errors_of("user_id")  # the official is checked before the period
    if inp.user_id is not None:
        user = await session.get(User, inp.user_id)
        if user is None or user.site_id != site.id:
            errors.add("user_id", "does not exist")
    for field, message in inp.problems:
        if field != "user_id":
            errors.add(field, message)
    errors.raise_if_any()
    assert inp.user_id and inp.period_start and inp.period_end
    values: dict[str, Any] = {
        "user_id": inp.user_id,
        "period_start": day_of(inp.period_start, today),
        "period_end": day_of(inp.period_end, today),
        "statement_date": day_of(inp.statement_date, today) if inp.statement_date else today,
    }
    if inp.description is not UNSET:
        values["description"] = inp.description
    billable = await billable_slots(
        session, site, values["user_id"], values["period_start"], values["period_end"]
    )
    if not billable:
        raise ValidationFailed({"base": ["no unpaid assignments in this period"]})
    statement = Statement(site_id=site.id, amount_paid=Decimal(0), **values)
    session.add(statement)
    await session.flush()
    total = Decimal(0)
    for item in billable:
        total += item.amount
        session.add(
            StatementLine(
                statement_id=statement.id,
                assignment_id=item.slot.id,
                game_id=item.game.id,
                local_date=item.game.local_date,
                description=item.description,
                amount=item.amount,
            )
        )
    statement.amount = total
    await session.flush()
    return await _statements(session, [statement], {site.id: member})


BILLED_STATUSES = ("A", "X")  # active, and cancelled with pay (§18.3)


@dataclass(frozen=True)
class Billable:
    """A slot a statement of its site would bill now: what its line item would say."""

    slot: Assignment
    game: Game
    description: str
    amount: Decimal


def on_a_statement() -> Select[Any]:
    """The ids of the slots already on a non-void statement (never billed twice)."""
    return (
        select(StatementLine.assignment_id)
        .join(Statement, Statement.id == StatementLine.statement_id)
        .where(Statement.void.is_(False), StatementLine.assignment_id.is_not(None))
    )


async def billable_slots(
    session: AsyncSession,
    site: Site,
    user_id: int,
    period_start: date | None = None,
    period_end: date | None = None,
) -> list[Billable]:
    """The official's slots in games of ``site`` (local date within the period when given)
    with game status A or X that are on no non-void statement, whatever their accept/decline
    state, in game order, each with its fee at this moment and its line item's description
    (contract §18.3: what ``create_statement`` bills)."""
    clauses = [
        Game.site_id == site.id,
        Assignment.official_id == user_id,
        Game.status.in_(BILLED_STATUSES),
        Assignment.id.not_in(on_a_statement()),
    ]
    if period_start is not None:
        clauses.append(Game.local_date >= period_start)
    if period_end is not None:
        clauses.append(Game.local_date <= period_end)
    slots = (
        await session.execute(
            select(Assignment, Game)
            .join(Game, Game.id == Assignment.game_id)
            .where(*clauses)
            .order_by(Game.start_time, Assignment.sort_order)
        )
    ).all()
    if not slots:
        return []
    bundle = await load_bundle(session, list({g.id: g for _, g in slots}.values()), {site.id: site})
    positions = {a.id: p.name for slots_ in bundle.slots.values() for a, p in slots_}
    found = []
    for slot, game in slots:
        description = (
            f"{bundle.name('age_group', game.age_group_id)} "
            f"{bundle.name('team', game.home_team_id)} vs "
            f"{bundle.name('team', game.away_team_id)} — {positions.get(slot.id, '')}"
        )
        found.append(Billable(slot, game, description[:400], bundle.fee_of(game, slot)))
    return found


async def my_unbilled_fees(session: AsyncSession, member: Membership) -> list[Billable]:
    """The member's own fees earned in their site and not yet on a statement: the slots a
    statement would bill (:func:`billable_slots`) that they have not declined and that carry
    a fee. Empty when the member is no official there."""
    if member.user is None or not member.official:
        return []
    found = await billable_slots(session, member.site, member.user.id)
    return [b for b in found if not b.slot.declined and b.amount > 0]


async def update_statement(
    session: AsyncSession, principal: Principal, statement_id: int, inp: StatementChange
) -> Statements:
    statement, member = await load_statement(session, principal, statement_id, write=True)
    errors = inp.errors_of("amount_paid")  # the amount is checked first
    if inp.amount_paid is not UNSET and inp.amount_paid > statement.amount:
        errors.add("amount_paid", f"must be less than or equal to {statement.amount}")
    for field, message in inp.problems:
        if field != "amount_paid":
            errors.add(field, message)
    errors.raise_if_any()
    if inp.amount_paid is not UNSET:
        statement.amount_paid = inp.amount_paid
    if inp.description is not UNSET:
        statement.description = inp.description
    if inp.statement_date is not UNSET:
        statement.statement_date = day_of(inp.statement_date, site_today(member.site).date())
    if inp.void:
        statement.void = True
    await session.flush()
    return await _statements(session, [statement], {member.site.id: member})


async def lines_of(
    session: AsyncSession, statements: list[Statement]
) -> dict[int, list[StatementLine]]:
    if not statements:
        return {}
    rows = (
        await session.scalars(
            select(StatementLine)
            .where(StatementLine.statement_id.in_([s.id for s in statements]))
            .order_by(StatementLine.local_date, StatementLine.id)
        )
    ).all()
    result: dict[int, list[StatementLine]] = {}
    for line in rows:
        result.setdefault(line.statement_id, []).append(line)
    return result


async def officials_of(session: AsyncSession, statements: list[Statement]) -> dict[int, User]:
    ids = {s.user_id for s in statements}
    if not ids:
        return {}
    return {u.id: u for u in (await session.scalars(select(User).where(User.id.in_(ids)))).all()}
