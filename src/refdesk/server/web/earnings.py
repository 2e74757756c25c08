"""What the earnings page and its CSV show: the person's statements and the fees not yet on
one.

* Statements come from the service behind ``GET /api/v2/statements``
  (``statements.service.my_statements``, with the typed query the API parses): the
  statements of every one of the person's users, **in all their sites**, newest first. The
  site switcher does not filter them (money is the person's, not a site's): each statement
  is labelled with its site (the API's ``payor_name``) and the totals are per currency.
  Amounts are formatted as the API's ``formatted_*`` fields are (``money.formatted``).
* The fees not yet on a statement are the current site's only (they depend on its rules):
  ``statements.service.my_unbilled_fees``, the same slots and fees ``create_statement``
  would bill, without the declined ones and those without a fee; split into played
  (local date up to the site's today) and upcoming.
* The CSV has one row per line item of every statement (all sites), amounts as plain
  decimals, text cells guarded against formula injection.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.principal import Principal
from refdesk.server.errors import ErrorCollector
from refdesk.server.money import formatted
from refdesk.server.paging import parse_page
from refdesk.server.sites.access import Membership
from refdesk.server.sites.rules import site_today
from refdesk.server.statements import service
from refdesk.server.statements.models import Statement, StatementLine
from refdesk.server.statements.schemas import parse_statement_query
from refdesk.server.timefmt import localized_date

PAGE_SIZE = 10  # statements shown per page
SERVICE_LIMIT = "50"  # the API's largest page, for reading them all
MAX_STATEMENTS = 1000  # the totals and the CSV cover at most this many (newest first)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STATUS_LABELS = {
    "unpaid": "Unpaid",
    "partially_paid": "Partly paid",
    "paid": "Paid",
    "void": "Void",
}
CSV_HEADER = (
    "statement_id",
    "statement_date",
    "site",
    "game_id",
    "local_date",
    "description",
    "amount",
    "currency",
    "statement_status",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def day_text(value: date) -> str:
    """``Sat Oct 11 2026``: the API's localized date with its weekday."""
    return f"{WEEKDAYS[value.weekday()]} {localized_date(value)}"


def plain(amount: Decimal) -> str:
    """``45.00``: a plain decimal for spreadsheets."""
    return str(amount.quantize(Decimal("0.01")))


@dataclass(frozen=True)
class LineView:
    game_id: int | None
    day: date
    date: str
    description: str
    amount: Decimal
    formatted_amount: str
    note: str | None = None  # "Cancelled (paid)"


@dataclass(frozen=True)
class StatementView:
    id: int
    day: date
    date: str
    period: str
    site: str
    description: str | None
    status: str
    status_label: str
    currency: str
    amount: Decimal
    amount_paid: Decimal
    formatted_amount: str
    formatted_amount_paid: str
    lines: list[LineView]


@dataclass(frozen=True)
class Total:
    currency: str
    statements: int
    paid: str
    unpaid: str


@dataclass(frozen=True)
class Fees:
    """Fees not yet on a statement in one site."""

    site: str
    lines: list[LineView]
    total: str


@dataclass(frozen=True)
class Earnings:
    statements: list[StatementView]  # the page shown
    count: int  # all statements read (at most MAX_STATEMENTS)
    page: int
    pages: int
    truncated: bool  # more than MAX_STATEMENTS: totals and CSV cover the newest only
    totals: list[Total]
    official: bool  # an official in the current site (the fees apply)
    played: Fees | None = None
    upcoming: Fees | None = None
    sites: list[str] = field(default_factory=list)  # the sites the statements come from


def _line(line: StatementLine, currency: str) -> LineView:
    return LineView(
        line.game_id,
        line.local_date,
        day_text(line.local_date),
        line.description,
        line.amount,
        formatted(line.amount, currency),
    )


def _statement(
    statement: Statement, lines: list[StatementLine], member: Membership
) -> StatementView:
    currency = member.site.currency
    period = f"{day_text(statement.period_start)} – {day_text(statement.period_end)}"
    return StatementView(
        id=statement.id,
        day=statement.statement_date,
        date=day_text(statement.statement_date),
        period=period,
        site=member.site.name,
        description=statement.description,
        status=statement.status,
        status_label=STATUS_LABELS.get(statement.status, statement.status),
        currency=currency,
        amount=statement.amount,
        amount_paid=statement.amount_paid,
        formatted_amount=formatted(statement.amount, currency),
        formatted_amount_paid=formatted(statement.amount_paid, currency),
        lines=[_line(line, currency) for line in lines],
    )


async def all_statements(
    session: AsyncSession, principal: Principal
) -> tuple[list[StatementView], bool]:
    """The person's statements, newest first, read through the API's service a page of 50
    at a time; at most :data:`MAX_STATEMENTS` (the flag says when there were more)."""
    found: list[StatementView] = []
    number = 1
    while True:
        query = parse_statement_query(
            {"page": str(number), "limit": SERVICE_LIMIT}, with_user=False
        )
        page = await service.my_statements(session, principal, query)
        for statement in page.statements:
            lines = page.lines.get(statement.id, [])
            found.append(_statement(statement, lines, page.members[statement.site_id]))
        if len(found) >= MAX_STATEMENTS:
            return found[:MAX_STATEMENTS], page.total > MAX_STATEMENTS
        if not page.statements or len(found) >= page.total:
            return found, False
        number += 1


def totals_of(statements: list[StatementView]) -> list[Total]:
    """Paid and unpaid per currency, void statements left out."""
    sums: dict[str, tuple[int, Decimal, Decimal]] = {}
    for s in statements:
        if s.status == "void":
            continue
        count, paid, unpaid = sums.get(s.currency, (0, Decimal(0), Decimal(0)))
        sums[s.currency] = (count + 1, paid + s.amount_paid, unpaid + s.amount - s.amount_paid)
    return [
        Total(currency, count, formatted(paid, currency), formatted(unpaid, currency))
        for currency, (count, paid, unpaid) in sorted(sums.items())
    ]


def page_number(raw: str | None, pages: int) -> int:
    """The ``page`` query value read as the API reads it; anything unreadable is page 1 and
    a page past the end is the last one (a bad link never fails)."""
    errors = ErrorCollector()
    number = parse_page({"page": raw}, errors).page
    if errors.errors:
        number = 1
    return max(1, min(number, pages))


async def _fees(session: AsyncSession, member: Membership) -> tuple[Fees, Fees]:
    today = site_today(member.site).date()
    currency = member.site.currency
    played: list[LineView] = []
    upcoming: list[LineView] = []
    for item in await service.my_unbilled_fees(session, member):
        day = item.game.local_date
        line = LineView(
            item.game.id,
            day,
            day_text(day),
            item.description,
            item.amount,
            formatted(item.amount, currency),
            "Cancelled (paid)" if item.game.status == "X" else None,
        )
        (played if day <= today else upcoming).append(line)

    def fees(lines: list[LineView]) -> Fees:
        total = sum((line.amount for line in lines), Decimal(0))
        return Fees(member.site.name, lines, formatted(total, currency))

    return fees(played), fees(upcoming)


async def earnings(
    session: AsyncSession, principal: Principal, member: Membership | None, raw_page: str | None
) -> Earnings:
    """The earnings page of a signed-in person (``member``: their current site)."""
    statements, truncated = await all_statements(session, principal)
    pages = max(1, -(-len(statements) // PAGE_SIZE))
    number = page_number(raw_page, pages)
    shown = statements[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    official = member is not None and member.official
    played = upcoming = None
    if member is not None and official:
        played, upcoming = await _fees(session, member)
    return Earnings(
        statements=shown,
        count=len(statements),
        page=number,
        pages=pages,
        truncated=truncated,
        totals=totals_of(statements),
        official=official,
        played=played,
        upcoming=upcoming,
        sites=sorted({s.site for s in statements}),
    )


def cell(value: str) -> str:
    """A text cell a spreadsheet shows as text: one that would start a formula gets a
    leading apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_text(statements: list[StatementView]) -> str:
    """The CSV: a header row, then one row per line item (statements newest first, their
    lines in date order); dates ISO, amounts plain decimals in the statement's currency."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for s in statements:
        for line in s.lines:
            writer.writerow(
                (
                    str(s.id),
                    s.day.isoformat(),
                    cell(s.site),
                    "" if line.game_id is None else str(line.game_id),
                    line.day.isoformat(),
                    cell(line.description),
                    plain(line.amount),
                    s.currency,
                    s.status,
                )
            )
    return out.getvalue()
