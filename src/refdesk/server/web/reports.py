"""What ``/reports`` and ``/reports/statements.csv`` show: the current site's game reports
(the service behind ``GET /api/v2/sites/{id}/game_reports``, §18.4) and its statements by
official (``GET /api/v2/sites/{id}/statements``, §18.3, filtered by ``search[user_id]`` and
``search[status]`` as the API is), each read with the typed query the API parses.

Who sees what is the services' decision: a person the API refuses (an official reading
reports where the site hides them, anyone but assignors and managers reading statements)
gets the service's message in place of the list. The CSV has one row per statement (every
page of the filtered list, newest first, at most :data:`MAX_STATEMENTS`), amounts as plain
decimals, text cells guarded against formula injection (``web/earnings.py``'s ``cell``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.errors import DomainError
from refdesk.server.money import formatted
from refdesk.server.reports import service as reports_service
from refdesk.server.reports.schemas import parse_report_query
from refdesk.server.sites.access import Membership
from refdesk.server.statements import service as statements_service
from refdesk.server.statements.models import Statement
from refdesk.server.statements.schemas import STATUSES, parse_statement_query
from refdesk.server.timefmt import localized_time, zone
from refdesk.server.users.representation import UserLike
from refdesk.server.web.earnings import STATUS_LABELS, cell, day_text, page_number, plain

PAGE_SIZE = 25  # reports / statements per page
SERVICE_LIMIT = "50"
MAX_STATEMENTS = 5000  # the CSV and the officials filter cover at most this many
CSV_HEADER = (
    "statement_id",
    "statement_date",
    "official_id",
    "official",
    "description",
    "status",
    "amount",
    "amount_paid",
    "currency",
    "line_items",
)


@dataclass(frozen=True)
class ReportRow:
    id: int
    game_id: int
    date: str
    time: str
    game: str
    venue: str
    score: str
    misconduct: bool
    author: str
    text: str


@dataclass(frozen=True)
class StatementRow:
    id: int
    date: str
    day: dt.date
    official_id: int
    official: str
    description: str
    status: str
    status_label: str
    amount: str
    amount_paid: str
    plain_amount: str
    plain_paid: str
    currency: str
    lines: int


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class Listing:
    rows: list[Any]
    total: int = 0
    page: int = 1
    pages: int = 1
    problem: str | None = None  # the service's refusal


@dataclass
class ReportsPage:
    reports: Listing
    statements: Listing
    officials: list[Choice] = field(default_factory=list)
    statuses: list[Choice] = field(default_factory=list)
    official: str = ""
    status: str = ""


def name_of(user: UserLike | None) -> str:
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip()


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


async def game_reports(
    session: AsyncSession, principal: Principal, member: Membership, raw_page: str | None
) -> Listing:
    """A page of the site's game reports, newest first, as the API lists them."""
    query = parse_report_query({"page": "1", "limit": str(PAGE_SIZE)})
    try:
        first = await reports_service.list_site_reports(session, principal, member.site.id, query)
        number = page_number(raw_page, _pages(first.total))
        found = first
        if number != 1:
            query = parse_report_query({"page": str(number), "limit": str(PAGE_SIZE)})
            found = await reports_service.list_site_reports(
                session, principal, member.site.id, query
            )
    except DomainError as exc:
        return Listing([], problem=exc.message)
    rows = []
    context = found.context
    for report in found.reports:
        game = context.games[report.game_id]
        bundle = context.bundle
        site = bundle.sites[game.site_id]
        start = game.start_time.astimezone(zone(site.timezone))
        venue = bundle.venues.get(game.venue_id)
        home = bundle.name("team", game.home_team_id) or "?"
        away = bundle.name("team", game.away_team_id) or "?"
        score = ""
        if report.home_team_score is not None or report.away_team_score is not None:
            score = f"{_num(report.home_team_score)}–{_num(report.away_team_score)}"
        author = bundle.users.get(report.author_id) if report.author_id else None
        rows.append(
            ReportRow(
                id=report.id,
                game_id=game.id,
                date=day_text(game.local_date),
                time=localized_time(start),
                game=f"{home} v {away}",
                venue=venue.name if venue else "",
                score=score,
                misconduct=bool(report.misconduct),
                author=name_of(author),
                text=report.text or "",
            )
        )
    return Listing(rows, found.total, number, _pages(found.total))


def _num(value: int | None) -> str:
    return "?" if value is None else str(value)


def statement_query(official: str, status: str, number: int, limit: str) -> dict[str, object]:
    search: dict[str, str] = {}
    if official:
        search["user_id"] = official
    if status:
        search["status"] = status
    return {"page": str(number), "limit": limit, "search": search}


def _statement_row(
    statement: Statement, found: statements_service.Statements, member: Membership
) -> StatementRow:
    currency = member.site.currency
    return StatementRow(
        id=statement.id,
        date=day_text(statement.statement_date),
        day=statement.statement_date,
        official_id=statement.user_id,
        official=name_of(found.officials.get(statement.user_id)),
        description=statement.description or "",
        status=statement.status,
        status_label=STATUS_LABELS.get(statement.status, statement.status),
        amount=formatted(statement.amount, currency),
        amount_paid=formatted(statement.amount_paid, currency),
        plain_amount=plain(statement.amount),
        plain_paid=plain(statement.amount_paid),
        currency=currency,
        lines=len(found.lines.get(statement.id, [])),
    )


async def all_statements(
    session: AsyncSession, principal: Principal, member: Membership, official: str, status: str
) -> list[StatementRow]:
    """Every statement of the filtered list (pages of 50), newest first."""
    rows: list[StatementRow] = []
    number = 1
    while True:
        query = parse_statement_query(
            statement_query(official, status, number, SERVICE_LIMIT), with_user=True
        )
        found = await statements_service.site_statements(session, principal, member.site.id, query)
        rows.extend(_statement_row(s, found, member) for s in found.statements)
        if not found.statements or len(rows) >= min(found.total, MAX_STATEMENTS):
            return rows[:MAX_STATEMENTS]
        number += 1


def clean_filters(official: str | None, status: str | None) -> tuple[str, str]:
    """The filters of the query string, unreadable ones dropped (a bad link never fails)."""
    who = (official or "").strip()
    if not (who.isdigit() and len(who) <= 18 and int(who) > 0):
        who = ""
    what = (status or "").strip()
    if what not in STATUSES:
        what = ""
    return who, what


async def reports_page(
    session: AsyncSession,
    principal: Principal,
    member: Membership,
    *,
    official: str,
    status: str,
    reports_page_raw: str | None,
    statements_page_raw: str | None,
) -> ReportsPage:
    reports = await game_reports(session, principal, member, reports_page_raw)
    statuses = [Choice(s, STATUS_LABELS.get(s, s)) for s in STATUSES]
    try:
        everyone = await all_statements(session, principal, member, "", "")
    except DomainError as exc:
        empty = Listing([], problem=exc.message)
        return ReportsPage(reports, empty, [], statuses, official, status)
    names = {row.official_id: row.official for row in everyone}
    officials = [
        Choice(str(uid), name or f"Official {uid}")
        for uid, name in sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))
    ]
    if official or status:
        chosen = await all_statements(session, principal, member, official, status)
    else:
        chosen = everyone
    pages = _pages(len(chosen))
    number = page_number(statements_page_raw, pages)
    shown = chosen[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    listing = Listing(shown, len(chosen), number, pages)
    return ReportsPage(reports, listing, officials, statuses, official, status)


def csv_text(rows: list[StatementRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            (
                str(row.id),
                row.day.isoformat(),
                str(row.official_id),
                cell(row.official),
                cell(row.description),
                row.status,
                row.plain_amount,
                row.plain_paid,
                row.currency,
                str(row.lines),
            )
        )
    return out.getvalue()
