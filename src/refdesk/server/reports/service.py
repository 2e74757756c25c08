"""Game reports (contract §18.4, §7.3): who may file and read them, and their officials."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.errors import ErrorCollector, Forbidden, NotFound, ValidationFailed
from refdesk.server.fields import INVALID, is_blank, read_bool, read_date, read_int, read_str
from refdesk.server.games.models import Game
from refdesk.server.games.queries import holds_slot
from refdesk.server.games.service import load_game, read_game
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.reports.models import GameReport, GameReportOfficial
from refdesk.server.sites.access import Membership, check_id, membership_in, site_membership
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today
from refdesk.server.users.models import User

NO_SHOW_STATUSES = (None, "excused", "unexcused")
FILTERS = ("search[start_date]", "search[end_date]", "search[game_id]", "search[misconduct]")


def readable(member: Membership) -> ColumnElement[bool]:
    """Reports of the site the caller may read (§7.3)."""
    if member.administers:
        return GameReport.id.is_not(None)
    clauses: list[ColumnElement[bool]] = []
    user_id = member.user.id if member.user else -1
    if member.official:
        if not member.site.show_game_reports:
            raise Forbidden("Game reports are not available to officials of this site")
        clauses.append(GameReport.game_id.in_(select(Game.id).where(holds_slot(user_id))))
    if member.observer:
        clauses.append(GameReport.author_id == user_id)
    if not clauses:
        raise Forbidden("Your roles in this site do not allow you to read game reports")
    return or_(*clauses)


async def may_file(session: AsyncSession, member: Membership, game: Game) -> bool:
    if member.administers:
        return True
    if member.user is None:
        return False
    if member.official and member.site.show_game_reports:
        held = await session.scalar(
            select(Assignment.id).where(
                Assignment.game_id == game.id, Assignment.official_id == member.user.id
            )
        )
        if held:
            return True
    return member.observer and game.published


async def list_site_reports(
    session: AsyncSession, principal: Principal, site_id: int, query: dict[str, Any]
) -> tuple[Membership, list[GameReport], int, PageRequest]:
    member = await site_membership(session, principal, site_id)
    scope = readable(member)
    errors = ErrorCollector()
    page = parse_page(query, errors)
    clauses = _filters(query, errors, site_today(member.site).date())
    errors.raise_if_any()
    statement = (
        select(GameReport)
        .join(Game, Game.id == GameReport.game_id)
        .where(Game.site_id == site_id, scope, *clauses)
    )
    return member, *(await _page(session, statement, page)), page


async def list_game_reports(
    session: AsyncSession, principal: Principal, game_id: int, query: dict[str, Any]
) -> tuple[Membership, Game, list[GameReport], int, PageRequest]:
    game, member = await read_game(session, principal, game_id)  # 403 as for GET of the game
    scope = readable(member)
    errors = ErrorCollector()
    page = parse_page(query, errors)
    errors.raise_if_any()
    statement = select(GameReport).where(GameReport.game_id == game.id, scope)
    reports, total = await _page(session, statement, page)
    return member, game, reports, total, page


async def _page(
    session: AsyncSession, statement: Any, page: PageRequest
) -> tuple[list[GameReport], int]:
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = (
        await session.scalars(
            statement.order_by(GameReport.created.desc(), GameReport.id.desc())
            .offset(page.offset)
            .limit(page.limit)
        )
    ).all()
    return list(rows), int(total or 0)


def _filters(
    query: dict[str, Any], errors: ErrorCollector, today: Any
) -> list[ColumnElement[bool]]:
    search = query.get("search")
    if not isinstance(search, dict):
        return []
    clauses: list[ColumnElement[bool]] = []
    for key, upper in (("start_date", False), ("end_date", True)):
        if not is_blank(search.get(key)):
            day = read_date(search[key], f"search[{key}]", errors, today)
            if day is not INVALID:
                clauses.append(Game.local_date <= day if upper else Game.local_date >= day)
    if not is_blank(search.get("game_id")):
        game = read_int(search["game_id"], "search[game_id]", errors, 1, 2**63 - 1)
        if game is not INVALID:
            clauses.append(GameReport.game_id == game)
    if not is_blank(search.get("misconduct")):
        flag = read_bool(search["misconduct"], "search[misconduct]", errors)
        if flag is not INVALID:
            clauses.append(GameReport.misconduct.is_(flag))
    return clauses


def _read_fields(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "misconduct" in data:
        flag = (
            read_bool(data["misconduct"], "misconduct", errors)
            if not is_blank(data["misconduct"])
            else False
        )
        if flag is not INVALID:
            values["misconduct"] = flag
    for key in ("home_team_score", "away_team_score"):
        if key in data:
            if is_blank(data[key]):
                values[key] = None
            else:
                score = read_int(data[key], key, errors, 0, 999)
                if score is not INVALID:
                    values[key] = score
    if "text" in data:
        text = read_str(data["text"], "text", errors, 20000)
        if text is not INVALID:
            values["text"] = text
    return values


async def _apply_officials(
    session: AsyncSession,
    report: GameReport,
    game: Game,
    data: dict[str, Any],
    errors: ErrorCollector,
) -> None:
    slots = list(
        (
            await session.scalars(
                select(Assignment)
                .where(Assignment.game_id == game.id)
                .order_by(Assignment.sort_order)
            )
        ).all()
    )
    rows = {
        r.assignment_id: r
        for r in (
            await session.scalars(
                select(GameReportOfficial).where(GameReportOfficial.report_id == report.id)
            )
        ).all()
    }
    for slot in slots:
        if slot.id not in rows:
            row = GameReportOfficial(
                report_id=report.id,
                assignment_id=slot.id,
                official_id=slot.official_id,
                no_show=False,
            )
            session.add(row)
            rows[slot.id] = row
    entries = data.get("officials")
    if entries in (None, ""):
        return
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        errors.add("officials", "is invalid")
        return
    for entry in entries:
        slot_id = read_int(entry.get("assignment_id"), "officials", errors, 1, 2**63 - 1)
        if slot_id is INVALID or slot_id not in rows:
            errors.add("officials", "does not exist")
            return
        row = rows[slot_id]
        if "official_id" in entry:
            if is_blank(entry["official_id"]):
                row.official_id = None
            else:
                worker = read_int(entry["official_id"], "officials", errors, 1, 2**63 - 1)
                user = await session.get(User, worker) if worker is not INVALID else None
                if user is None or user.site_id != game.site_id:
                    errors.add("officials", "does not exist")
                    return
                row.official_id = user.id
        if "no_show" in entry:
            flag = read_bool(entry["no_show"], "officials", errors)
            if flag is not INVALID:
                row.no_show = flag
        if "no_show_status" in entry:
            status = entry["no_show_status"] or None
            if status not in NO_SHOW_STATUSES:
                errors.add("officials", "is not included in the list")
                return
            row.no_show_status = status


async def create_report(
    session: AsyncSession, principal: Principal, game_id: int, data: dict[str, Any]
) -> tuple[GameReport, Game, Membership]:
    game, member = await load_game(session, principal, game_id, for_update=True)
    if not await may_file(session, member, game):
        raise Forbidden("You may not file a report for this game")
    errors = ErrorCollector()
    values = _read_fields(data, errors)
    errors.raise_if_any()
    values.setdefault("misconduct", False)
    report = GameReport(
        game_id=game.id, author_id=member.user.id if member.user else None, **values
    )
    session.add(report)
    await session.flush()
    await _apply_officials(session, report, game, data, errors)
    if errors:
        raise ValidationFailed(errors.errors)
    await session.flush()
    return report, game, member


async def load_report(
    session: AsyncSession, principal: Principal, report_id: int, *, write: bool = False
) -> tuple[GameReport, Game, Membership]:
    check_id(report_id)
    report = await session.get(GameReport, report_id, with_for_update=write)
    if report is None:
        raise NotFound()
    game = await session.get(Game, report.game_id)
    site = await session.get(Site, game.site_id) if game else None
    if game is None or site is None:
        raise NotFound()
    member = await membership_in(session, principal, site)
    author = member.user is not None and member.user.id == report.author_id
    if write:
        member.require(member.administers or author, "change this report")
    else:
        visible = await session.scalar(
            select(GameReport.id).where(GameReport.id == report.id, readable(member))
        )
        member.require(visible is not None, "read this report")
    return report, game, member


async def update_report(
    session: AsyncSession, principal: Principal, report_id: int, data: dict[str, Any]
) -> tuple[GameReport, Game, Membership]:
    report, game, member = await load_report(session, principal, report_id, write=True)
    errors = ErrorCollector()
    for key, value in _read_fields(data, errors).items():
        setattr(report, key, value)
    errors.raise_if_any()
    await _apply_officials(session, report, game, data, errors)
    if errors:
        raise ValidationFailed(errors.errors)
    await session.flush()
    return report, game, member


async def delete_report(session: AsyncSession, principal: Principal, report_id: int) -> None:
    report, _, _ = await load_report(session, principal, report_id, write=True)
    await session.delete(report)
    await session.flush()
