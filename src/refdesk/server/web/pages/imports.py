"""``/board/import``: upload a CSV of games, preview each row, import the new ones with
progress (``web/imports.py`` says how, and that the rules are the CLI's).

* ``GET /board/import`` — the upload form (assignors and managers; anyone else gets a polite
  page saying it is theirs).
* ``POST /board/import`` — the multipart upload (``file``, ``csrf_token``): at most the
  server's ``max_body_bytes`` (a larger one comes back to the form, 413, before its token could
  be read; a body that is not a readable multipart form has no token: 403); a file that is not
  UTF-8 CSV, has an unknown column, no rows
  or too many comes back to the form with the reason (never a 500). Else it is stored and
  previewed: 303 to ``/board/import/{id}``.
* ``GET /board/import/{id}`` — the preview (each row: new, invalid with the reason, already
  imported, duplicate), then while importing "N of M rows done" (the page reloads itself
  with a ``<meta http-equiv="refresh">``: no script needed), then the result (what was
  imported, what was skipped or not imported and why).
* ``POST /board/import/{id}/start`` — start (or continue a stopped) import.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.responses import Response

from refdesk.games_csv import CsvProblem, read_bytes
from refdesk.server.errors import DomainError
from refdesk.server.web import imports as view
from refdesk.server.web import render
from refdesk.server.web import session as web_session
from refdesk.server.web.page import CsrfRefused, Page, open_page

router = APIRouter(include_in_schema=False)

PATH = "/board/import"
NAV_HREF = "/board"
TITLE = "Import games"
MULTIPART = "multipart/form-data"


class UploadRefused(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _size_text(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit // 1024} KB"


async def _read_upload(request: Request, limit: int) -> tuple[dict[str, str], bytes, str]:
    """The form's text fields, the file's bytes and name; :class:`UploadRefused` for a body
    over ``limit`` bytes or one that is not a multipart form."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith(MULTIPART):
        return {}, b"", ""  # not the upload form: no CSRF token either (403)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise UploadRefused(
                f"The file is too large: at most {_size_text(limit)} can be uploaded at once. "
                "Split it into smaller files.",
                413,
            )
        chunks.append(chunk)

    async def body() -> AsyncGenerator[bytes, None]:
        yield b"".join(chunks)
        yield b""

    try:
        form = await MultiPartParser(request.headers, body(), max_files=1, max_fields=10).parse()
    except (MultiPartException, ValueError, KeyError):
        return {}, b"", ""  # unreadable: no CSRF token either (403)
    fields: dict[str, str] = {}
    data = b""
    name = ""
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key == "file":
                data = await value.read()
                name = value.filename or ""
        elif isinstance(value, str):
            fields[key] = value
    return fields, data, name


def _not_staff(page: Page) -> Response:
    return page.render("import.html", NAV_HREF, title=TITLE, staff=False, problem=None)


def _form(page: Page, problem: str | None, status: int = 200) -> Response:
    limit = _size_text(page.runtime.settings.max_body_bytes)
    return page.render(
        "import.html",
        NAV_HREF,
        status=status,
        title=TITLE,
        staff=True,
        problem=problem,
        limit=limit,
        max_rows=view.MAX_ROWS,
    )


@router.get(PATH)
async def import_form(request: Request) -> Response:
    """The upload form."""
    async with open_page(request) as page:
        if not page.staff or page.member is None:
            return _not_staff(page)
        return _form(page, None)


@router.post(PATH)
async def upload(request: Request) -> Response:
    """Store the CSV and preview it (303 to the preview), or the form with the reason."""
    runtime = render.runtime_of(request)
    refused: UploadRefused | None = None
    fields: dict[str, str] = {}
    data = b""
    name = ""
    try:
        fields, data, name = await _read_upload(request, runtime.settings.max_body_bytes)
    except UploadRefused as exc:
        refused = exc
    async with open_page(request) as page:
        token = fields.get("csrf_token") if refused is None else None
        if refused is None and not web_session.session_csrf_valid(
            runtime.hasher, page.person.browser, token
        ):
            raise CsrfRefused
        if not page.staff or page.member is None:
            return _not_staff(page)
        if refused is not None:
            return _form(page, refused.message, refused.status)
        if not data.strip():
            return _form(page, "Choose a CSV file to upload (the file is empty).", 400)
        try:
            rows = read_bytes(data)
        except CsvProblem as exc:
            return _form(page, f"The file cannot be imported: {exc.message}.", 400)
        if not rows:
            return _form(page, "The file has a header row but no games.", 400)
        if len(rows) > view.MAX_ROWS:
            return _form(
                page,
                f"The file has {len(rows)} rows: at most {view.MAX_ROWS} can be imported at "
                "once. Split it into smaller files.",
                400,
            )
        site = page.member.site
        try:
            shown = await view.preview(page.session, page.person.principal, site.id, rows)
        except DomainError as exc:
            return _form(page, exc.message, 403)
        state = view.ImportFile(
            id=view.new_id(),
            site_id=site.id,
            site_name=site.name,
            account_id=page.person.account.id,
            filename=name[:200],
            rows=view.rows_as_dicts(rows),
            preview=shown,
        )
        view.save(runtime.settings.data_dir, state)
    view.prune(runtime.settings.data_dir)
    return render.see_other(f"{PATH}/{state.id}")


def _mine(page: Page, import_id: str) -> view.ImportFile | None:
    state = view.load(page.runtime.settings.data_dir, import_id)
    if state is None or state.account_id != page.person.account.id:
        return None
    return state


def _not_found(page: Page) -> Response:
    return page.render(
        "error.html",
        NAV_HREF,
        status=404,
        title="Not found",
        message="There is no such import. Upload the file again from the import page.",
    )


@router.get(PATH + "/{import_id}")
async def show(request: Request, import_id: str) -> Response:
    """The preview, the progress or the result of an upload."""
    async with open_page(request) as page:
        if not page.staff:
            return _not_staff(page)
        state = _mine(page, import_id)
        if state is None:
            return _not_found(page)
        return page.render(
            "import_file.html",
            NAV_HREF,
            title=TITLE,
            state=state,
            counts=state.counts(),
            outcome_counts=state.outcome_counts(),
            refresh=state.status == "running" and not state.stalled,
            here=f"{PATH}/{state.id}",
        )


@router.post(PATH + "/{import_id}/start")
async def start(request: Request, import_id: str) -> Response:
    """Import the rows (or go on with a stopped import)."""
    here = PATH
    try:
        async with open_page(request, write=True) as page:
            if not page.staff:
                return _not_staff(page)
            state = _mine(page, import_id)
            if state is None:
                return _not_found(page)
            here = f"{PATH}/{state.id}"
            if state.status == "done":
                return page.redirect(here, error="This file has been imported already.")
            if state.status == "running" and not state.stalled:
                return page.redirect(here)
            principal = page.person.principal
    except DomainError as exc:
        return render.redirect(request, here, error=exc.message)
    view.start(page.runtime, principal, state)
    return render.see_other(here)
