"""Statements (contract §18.3): assignors bill a period's slots of one official."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.errors import ErrorCollector, NotFound, ValidationFailed
from refdesk.server.fields import INVALID, is_blank, read_date, read_int, read_money, read_str
from refdesk.server.games.bundle import load_bundle
from refdesk.server.games.models import Game
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.sites.access import (
    Membership,
    accessible_site_ids,
    check_id,
    membership_in,
    site_membership,
)
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today
from refdesk.server.statements.models import Statement, StatementLine
from refdesk.server.users.models import User

STATUSES = ("unpaid", "partially_paid", "paid", "void")
FILTERS = ("search[start_date]", "search[end_date]", "search[status]", "search[user_id]")


@dataclass
class StatementPage:
    statements: list[Statement]
    total: int
    page: PageRequest
    members: dict[int, Membership]


def _status_clause(status: str) -> ColumnElement[bool]:
    if status == "void":
        return Statement.void.is_(True)
    live = Statement.void.is_(False)
    if status == "unpaid":
        return live & (Statement.amount_paid <= 0)
    if status == "partially_paid":
        return live & (Statement.amount_paid > 0) & (Statement.amount_paid < Statement.amount)
    return live & (Statement.amount_paid > 0) & (Statement.amount_paid >= Statement.amount)


def _filters(
    query: dict[str, Any], errors: ErrorCollector, with_user: bool
) -> list[ColumnElement[bool]]:
    search = query.get("search")
    if not isinstance(search, dict):
        return []
    clauses: list[ColumnElement[bool]] = []
    for key, upper in (("start_date", False), ("end_date", True)):
        if not is_blank(search.get(key)):
            day = read_date(search[key], f"search[{key}]", errors)
            if day is not INVALID:
                clauses.append(
                    Statement.statement_date <= day if upper else Statement.statement_date >= day
                )
    status = search.get("status")
    if not is_blank(status):
        if status not in STATUSES:
            errors.add("search[status]", "is not included in the list")
        else:
            clauses.append(_status_clause(str(status)))
    if with_user and not is_blank(search.get("user_id")):
        user = read_int(search["user_id"], "search[user_id]", errors, 1, 2**63 - 1)
        if user is not INVALID:
            clauses.append(Statement.user_id == user)
    return clauses


async def _page(
    session: AsyncSession, where: list[ColumnElement[bool]], page: PageRequest
) -> tuple[list[Statement], int]:
    statement = select(Statement).where(*where)
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = (
        await session.scalars(
            statement.order_by(Statement.statement_date.desc(), Statement.id.desc())
            .offset(page.offset)
            .limit(page.limit)
        )
    ).all()
    return list(rows), int(total or 0)


async def my_statements(
    session: AsyncSession, principal: Principal, query: dict[str, Any]
) -> StatementPage:
    members = await accessible_site_ids(session, principal)
    errors = ErrorCollector()
    page = parse_page(query, errors)
    clauses = _filters(query, errors, with_user=False)
    errors.raise_if_any()
    users = [m.user.id for m in members.values() if m.user is not None]
    rows, total = await _page(session, [Statement.user_id.in_(users), *clauses], page)
    return StatementPage(rows, total, page, members)


async def site_statements(
    session: AsyncSession, principal: Principal, site_id: int, query: dict[str, Any]
) -> StatementPage:
    member = await site_membership(session, principal, site_id)
    member.require(member.administers, "read this site's statements")
    errors = ErrorCollector()
    page = parse_page(query, errors)
    clauses = _filters(query, errors, with_user=True)
    errors.raise_if_any()
    rows, total = await _page(session, [Statement.site_id == site_id, *clauses], page)
    return StatementPage(rows, total, page, {site_id: member})


async def load_statement(
    session: AsyncSession, principal: Principal, statement_id: int, *, write: bool = False
) -> tuple[Statement, Membership]:
    check_id(statement_id)
    statement = await session.get(Statement, statement_id, with_for_update=write)
    if statement is None:
        raise NotFound()
    site = await session.get(Site, statement.site_id)
    if site is None:
        raise NotFound()
    member = await membership_in(session, principal, site)
    own = member.user is not None and member.user.id == statement.user_id
    if write:
        member.require(member.assignor, "change statements")
    else:
        member.require(member.administers or own, "read this statement")
    return statement, member


async def create_statement(
    session: AsyncSession, principal: Principal, site_id: int, data: dict[str, Any]
) -> tuple[Statement, Membership]:
    member = await site_membership(session, principal, site_id, for_update=True)
    member.require(member.assignor, "create statements")
    site = member.site
    errors = ErrorCollector()
    today = site_today(site).date()
    values: dict[str, Any] = {}
    for key in ("user_id", "period_start", "period_end"):
        if is_blank(data.get(key)):
            errors.add(key, "can't be blank")
        elif key == "user_id":
            user_id = read_int(data[key], key, errors, 1, 2**63 - 1)
            if user_id is not INVALID:
                user = await session.get(User, user_id)
                if user is None or user.site_id != site.id:
                    errors.add(key, "does not exist")
                else:
                    values[key] = user_id
        else:
            day = read_date(data[key], key, errors, today)
            if day is not INVALID:
                values[key] = day
    values["statement_date"] = today
    if not is_blank(data.get("statement_date")):
        day = read_date(data["statement_date"], "statement_date", errors, today)
        if day is not INVALID:
            values["statement_date"] = day
    if "description" in data:
        text = read_str(data["description"], "description", errors, 255)
        if text is not INVALID:
            values["description"] = text
    errors.raise_if_any()
    billed = (
        select(StatementLine.assignment_id)
        .join(Statement, Statement.id == StatementLine.statement_id)
        .where(Statement.void.is_(False), StatementLine.assignment_id.is_not(None))
    )
    slots = (
        await session.execute(
            select(Assignment, Game)
            .join(Game, Game.id == Assignment.game_id)
            .where(
                Game.site_id == site.id,
                Assignment.official_id == values["user_id"],
                Game.local_date >= values["period_start"],
                Game.local_date <= values["period_end"],
                Game.status.in_(("A", "X")),
                Assignment.id.not_in(billed),
            )
            .order_by(Game.start_time, Assignment.sort_order)
        )
    ).all()
    if not slots:
        raise ValidationFailed({"base": ["no unpaid assignments in this period"]})
    bundle = await load_bundle(session, list({g.id: g for _, g in slots}.values()), {site.id: site})
    statement = Statement(site_id=site.id, amount_paid=Decimal(0), **values)
    session.add(statement)
    await session.flush()
    total = Decimal(0)
    positions = {a.id: p.name for slots_ in bundle.slots.values() for a, p in slots_}
    for slot, game in slots:
        amount = bundle.fee_of(game, slot)
        total += amount
        description = (
            f"{bundle.name('age_group', game.age_group_id)} "
            f"{bundle.name('team', game.home_team_id)} vs "
            f"{bundle.name('team', game.away_team_id)} — {positions.get(slot.id, '')}"
        )
        session.add(
            StatementLine(
                statement_id=statement.id,
                assignment_id=slot.id,
                game_id=game.id,
                local_date=game.local_date,
                description=description[:400],
                amount=amount,
            )
        )
    statement.amount = total
    await session.flush()
    return statement, member


async def update_statement(
    session: AsyncSession, principal: Principal, statement_id: int, data: dict[str, Any]
) -> tuple[Statement, Membership]:
    statement, member = await load_statement(session, principal, statement_id, write=True)
    errors = ErrorCollector()
    if "amount_paid" in data:
        paid = read_money(data["amount_paid"], "amount_paid", errors)
        if paid is not INVALID:
            if paid > statement.amount:
                errors.add("amount_paid", f"must be less than or equal to {statement.amount}")
            else:
                statement.amount_paid = paid
    if "description" in data:
        text = read_str(data["description"], "description", errors, 255)
        if text is not INVALID:
            statement.description = text
    if "statement_date" in data:
        day = read_date(
            data["statement_date"], "statement_date", errors, site_today(member.site).date()
        )
        if day is not INVALID:
            statement.statement_date = day
    if "status" in data:
        if data["status"] != "void":
            errors.add("status", "is not included in the list")
        else:
            statement.void = True
    if errors:
        raise ValidationFailed(errors.errors)
    await session.flush()
    return statement, member


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
