"""``/earnings``: the person's statements (all their sites, newest first, a page at a time),
the current site's fees not yet on a statement, and ``/earnings.csv`` (every line item).

Reads only: both call the statements service the API calls (``web/earnings.py``). A visitor
is sent to the sign-in form, for the CSV too.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.web import earnings as earnings_view
from refdesk.server.web.page import open_page
from refdesk.server.web.render import HEADERS

router = APIRouter(include_in_schema=False)
CSV_NAME = "refdesk-earnings.csv"


@router.get("/earnings")
async def earnings(request: Request) -> Response:
    """Statements with their line items and totals; the fees not yet on a statement."""
    async with open_page(request) as page:
        view = await earnings_view.earnings(
            page.session, page.person.principal, page.member, request.query_params.get("page")
        )
        return page.render("earnings.html", "/earnings", title="Earnings", earnings=view)


@router.get("/earnings.csv")
async def earnings_csv(request: Request) -> Response:
    """Every line item of the person's statements as CSV (UTF-8 with a byte order mark, so
    that spreadsheets read the dashes and accents right)."""
    async with open_page(request) as page:
        statements, _ = await earnings_view.all_statements(page.session, page.person.principal)
    body = "\ufeff" + earnings_view.csv_text(statements)
    headers = {
        **HEADERS,
        "Content-Disposition": f'attachment; filename="{CSV_NAME}"',
    }
    return Response(body.encode("utf-8"), 200, headers, "text/csv; charset=utf-8")
