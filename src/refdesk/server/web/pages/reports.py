"""``/reports``: the current site's game reports and its statements by official (filter by
official and status), and ``/reports/statements.csv`` (the filtered statements as CSV).

Reads only, through the services the API calls (``web/reports.py``). Assignors and managers
of the current site; anyone else gets a polite page (200) saying the page is theirs.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.errors import DomainError
from refdesk.server.web import reports as view
from refdesk.server.web.page import open_page
from refdesk.server.web.render import HEADERS

router = APIRouter(include_in_schema=False)
PATH = "/reports"
TITLE = "Reports & statements"
CSV_NAME = "refdesk-statements.csv"


@router.get(PATH)
async def reports(request: Request) -> Response:
    """Game reports, newest first; statements filtered by ``official`` and ``status``."""
    params = request.query_params
    official, status = view.clean_filters(params.get("official"), params.get("status"))
    async with open_page(request) as page:
        if not page.staff or page.member is None:
            return page.render("reports.html", PATH, title=TITLE, staff=False)
        found = await view.reports_page(
            page.session,
            page.person.principal,
            page.member,
            official=official,
            status=status,
            reports_page_raw=params.get("reports_page"),
            statements_page_raw=params.get("page"),
        )
        filters = {k: v for k, v in (("official", official), ("status", status)) if v}
        return page.render(
            "reports.html",
            PATH,
            title=TITLE,
            staff=True,
            view=found,
            query=urlencode(filters),
        )


@router.get(PATH + "/statements.csv")
async def statements_csv(request: Request) -> Response:
    """The filtered statements, one row each (UTF-8 with a byte order mark)."""
    params = request.query_params
    official, status = view.clean_filters(params.get("official"), params.get("status"))
    async with open_page(request) as page:
        if not page.staff or page.member is None:
            return page.render("reports.html", PATH, title=TITLE, staff=False)
        try:
            rows = await view.all_statements(
                page.session, page.person.principal, page.member, official, status
            )
        except DomainError as exc:
            return page.render(
                "error.html", PATH, status=403, title="Not allowed", message=exc.message
            )
    body = "\ufeff" + view.csv_text(rows)
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{CSV_NAME}"'}
    return Response(body.encode("utf-8"), 200, headers, "text/csv; charset=utf-8")
