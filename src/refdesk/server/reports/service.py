"""Game reports (contract §18.4, §7.3): who may file and read them, and their officials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.days import day_of
from refdesk.server.db.paging import page_of
from refdesk.server.errors import ErrorCollector, Forbidden, NotFound
from refdesk.server.games.bundle import Bundle, load_bundle
from refdesk.server.games.models import Game
from refdesk.server.games.queries import holds_slot
from refdesk.server.games.service import load_game, read_game
from refdesk.server.inputs import UNSET
from refdesk.server.paging import PageRequest
from refdesk.server.reports.models import GameReport, GameReportOfficial
from refdesk.server.reports.schemas import ReportInput, ReportQuery
from refdesk.server.sites.access import Membership, check_id, membership_in, site_membership
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today
from refdesk.server.users.models import User

FILTERS = ("search[start_date]", "search[end_date]", "search[game_id]", "search[misconduct]")
NEWEST_FIRST = (GameReport.created.desc(), GameReport.id.desc())


@dataclass(frozen=True)
class ReportContext:
    """What the documents of some reports show besides the reports: their games with the
    games' bundle (authors included in ``bundle.users``) and each report's official rows."""

    games: dict[int, Game]
    bundle: Bundle
    officials: dict[int, list[GameReportOfficial]]


@dataclass(frozen=True)
class Reports:
    """A page of reports (or one report: ``total`` 1, ``page`` None) ready to represent."""

    member: Membership
    reports: list[GameReport]
    context: ReportContext
    total: int = 1
    page: PageRequest | None = None


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


async def report_context(
    session: AsyncSession, reports: list[GameReport], site: Site
) -> ReportContext:
    game_ids = {r.game_id for r in reports}
    games = (
        {g.id: g for g in (await session.scalars(select(Game).where(Game.id.in_(game_ids))))}
        if game_ids
        else {}
    )
    bundle = await load_bundle(session, list(games.values()), {site.id: site})
    authors = {r.author_id for r in reports if r.author_id} - bundle.users.keys()
    if authors:
        for user in await session.scalars(select(User).where(User.id.in_(authors))):
            bundle.users[user.id] = user
    officials: dict[int, list[GameReportOfficial]] = {}
    if reports:
        rows = await session.scalars(
            select(GameReportOfficial).where(
                GameReportOfficial.report_id.in_([r.id for r in reports])
            )
        )
        for row in rows:
            officials.setdefault(row.report_id, []).append(row)
    return ReportContext(games, bundle, officials)


async def _one(session: AsyncSession, report: GameReport, member: Membership) -> Reports:
    return Reports(member, [report], await report_context(session, [report], member.site))


def _filters(query: ReportQuery, today: date) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if query.start_date is not None:
        clauses.append(Game.local_date >= day_of(query.start_date, today))
    if query.end_date is not None:
        clauses.append(Game.local_date <= day_of(query.end_date, today))
    if query.game_id is not None:
        clauses.append(GameReport.game_id == query.game_id)
    if query.misconduct is not None:
        clauses.append(GameReport.misconduct.is_(query.misconduct))
    return clauses


async def list_site_reports(
    session: AsyncSession, principal: Principal, site_id: int, query: ReportQuery
) -> Reports:
    member = await site_membership(session, principal, site_id)
    scope = readable(member)
    query.raise_if_invalid()
    statement = (
        select(GameReport)
        .join(Game, Game.id == GameReport.game_id)
        .where(Game.site_id == site_id, scope, *_filters(query, site_today(member.site).date()))
    )
    reports, total = await page_of(session, statement, NEWEST_FIRST, query.page)
    context = await report_context(session, reports, member.site)
    return Reports(member, reports, context, total, query.page)


async def list_game_reports(
    session: AsyncSession, principal: Principal, game_id: int, query: ReportQuery
) -> Reports:
    """A game's reports; only the page of ``query`` is read (its filters are the site's)."""
    game, member = await read_game(session, principal, game_id)  # 403 as for GET of the game
    scope = readable(member)
    query.raise_if_invalid()
    statement = select(GameReport).where(GameReport.game_id == game.id, scope)
    reports, total = await page_of(session, statement, NEWEST_FIRST, query.page)
    context = await report_context(session, reports, member.site)
    return Reports(member, reports, context, total, query.page)


async def _apply_officials(
    session: AsyncSession,
    report: GameReport,
    game: Game,
    inp: ReportInput,
    errors: ErrorCollector,
) -> None:
    """Give the report a row per slot of the game, then apply the entries in order; the
    first slot or official that does not exist ends the entries."""
    slots = list(
        await session.scalars(
            select(Assignment).where(Assignment.game_id == game.id).order_by(Assignment.sort_order)
        )
    )
    rows = {
        r.assignment_id: r
        for r in await session.scalars(
            select(GameReportOfficial).where(GameReportOfficial.report_id == report.id)
        )
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
    for entry in inp.officials or ():
        if entry.assignment_problem is not None:
            errors.add("officials", entry.assignment_problem)
        if entry.assignment_id is None or entry.assignment_id not in rows:
            errors.add("officials", "does not exist")
            return
        row = rows[entry.assignment_id]
        if entry.official_id is not UNSET:
            if entry.official_id is None and entry.official_problem is None:
                row.official_id = None
            else:
                if entry.official_problem is not None:
                    errors.add("officials", entry.official_problem)
                user = (
                    await session.get(User, entry.official_id)
                    if entry.official_id is not None
                    else None
                )
                if user is None or user.site_id != game.site_id:
                    errors.add("officials", "does not exist")
                    return
                row.official_id = user.id
        if entry.no_show_problem is not None:
            errors.add("officials", entry.no_show_problem)
        elif isinstance(entry.no_show, bool):
            row.no_show = entry.no_show
        if entry.no_show_status is not UNSET:
            if not entry.status_known:
                errors.add("officials", "is not included in the list")
                return
            row.no_show_status = entry.no_show_status


async def create_report(
    session: AsyncSession, principal: Principal, game_id: int, inp: ReportInput
) -> Reports:
    game, member = await load_game(session, principal, game_id, for_update=True)
    if not await may_file(session, member, game):
        raise Forbidden("You may not file a report for this game")
    inp.errors(but=("officials",)).raise_if_any()
    values = inp.changes()
    values.setdefault("misconduct", False)
    report = GameReport(
        game_id=game.id, author_id=member.user.id if member.user else None, **values
    )
    session.add(report)
    await session.flush()
    errors = inp.errors_of("officials")
    await _apply_officials(session, report, game, inp, errors)
    errors.raise_if_any()
    await session.flush()
    return await _one(session, report, member)


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


async def get_report(session: AsyncSession, principal: Principal, report_id: int) -> Reports:
    report, _, member = await load_report(session, principal, report_id)
    return await _one(session, report, member)


async def update_report(
    session: AsyncSession, principal: Principal, report_id: int, inp: ReportInput
) -> Reports:
    report, game, member = await load_report(session, principal, report_id, write=True)
    inp.errors(but=("officials",)).raise_if_any()
    for key, value in inp.changes().items():
        setattr(report, key, value)
    errors = inp.errors_of("officials")
    await _apply_officials(session, report, game, inp, errors)
    errors.raise_if_any()
    await session.flush()
    return await _one(session, report, member)


async def delete_report(session: AsyncSession, principal: Principal, report_id: int) -> None:
    report, _, _ = await load_report(session, principal, report_id, write=True)
    await session.delete(report)
    await session.flush()
