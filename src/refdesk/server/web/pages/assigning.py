"""``/board/slots/{id}``: the assigning panel of one slot (``web/assigning.py``) — the game,
the position, its holder, and the candidates with their conflicts explained — and its forms.

``POST /board/slots/{id}/assign`` (``user_id``, the slot's ``lock_version``) calls the service
behind ``POST /api/v2/assignments/{id}/assign`` (``assignments.service.assign``) with the
input the API parses (``parse_assign``); the API's assign replaces any holder, so "replace" is
the same form. ``POST /board/slots/{id}/unassign`` calls ``service.unassign`` with
``parse_unassign``. A refusal of the service (a stale ``lock_version``, someone who may not
assign, an official who holds another slot of the game) comes back to the panel as the error
message with nothing changed (the transaction rolled back). Conflict codes never block.

The panel is for the site's assignors and managers (``page.staff``); anyone else gets a
polite page; a slot of another site is the 404 page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.assignments import service
from refdesk.server.assignments.schemas import parse_assign, parse_unassign
from refdesk.server.errors import DomainError, NotFound, humanise
from refdesk.server.web import assigning as view
from refdesk.server.web import render
from refdesk.server.web.page import Page, open_page
from refdesk.server.web.refusals import path_id, refusal_text

router = APIRouter(include_in_schema=False)
BOARD = "/board"
STALE = (
    "This slot changed since you loaded the page (someone else may have assigned it). "
    "Nothing was changed: check the slot below and try again."
)
NOT_DONE = "Nothing was changed: "
NOT_STAFF = (
    "The assigning panel is for the assignors and managers of a site. Your roles in this site "
    "do not include assigning; your own games are under My games."
)


def panel_href(slot_id: int) -> str:
    return f"{BOARD}/slots/{slot_id}"


def _subject(key: str) -> str:
    return "the official" if key in ("user_id", "official_id") else humanise(key)


def problem_text(exc: DomainError) -> str:
    """The service's refusal in a sentence for the panel."""
    return refusal_text(exc, prefix=NOT_DONE, stale=STALE, missing="such slot", subject=_subject)


def _not_found(page: Page) -> Response:
    return page.render(
        "error.html",
        BOARD,
        status=404,
        title="Not found",
        message="There is no such slot in this site. Go back to the board and try again.",
    )


def _not_staff(page: Page) -> Response:
    return page.render("assigning.html", BOARD, title="Assigning", panel=None, refusal=NOT_STAFF)


@router.get("/board/slots/{assignment_id}")
async def slot_panel(request: Request, assignment_id: str) -> Response:
    """The panel; ``?q=`` searches names, ``?hide=1`` hides candidates with conflicts."""
    text = view.read_query(request.query_params.get("q"))
    hide = request.query_params.get("hide") in ("1", "on", "true")
    async with open_page(request) as page:
        slot_id = path_id(assignment_id)
        if slot_id is None or page.member is None:
            return _not_found(page)
        if not page.staff:
            return _not_staff(page)
        try:
            panel = await view.slot_panel(
                page.session, page.person.principal, slot_id, page.member.site.id, text, hide
            )
        except NotFound:
            return _not_found(page)
        except DomainError as exc:  # a read: nothing to roll back
            return page.render(
                "assigning.html", BOARD, title="Assigning", panel=None, refusal=exc.message
            )
        return page.render(
            "assigning.html",
            BOARD,
            title=f"Assign {panel.position}",
            panel=panel,
            refusal=None,
            sentences=view.CONFLICT_SENTENCES,
        )


def _back(slot_id: int | None, page: Page | None) -> str:
    """Back to the panel, or to the board's day the form names (``next=/board?day=…``)."""
    wanted = page.field("next") if page is not None else ""
    if wanted.startswith(BOARD + "?day=") and len(wanted) == len(BOARD) + 15:
        day = wanted[len(BOARD) + 5 :]
        if day[:4].isdigit() and day[4] == "-" and day[5:7].isdigit() and day[8:].isdigit():
            return wanted
    return panel_href(slot_id) if slot_id is not None else BOARD


async def _write(request: Request, raw_id: str, assigning: bool) -> Response:
    slot_id = path_id(raw_id)
    back = _back(slot_id, None)
    try:
        async with open_page(request, write=True) as page:
            back = _back(slot_id, page)
            if slot_id is None or page.member is None:
                return _not_found(page)
            slot, game, member = await view.slot_in_site(
                page.session, page.person.principal, slot_id, page.member.site.id, lock=True
            )
            before = slot.official_id
            fields: dict[str, Any] = {"lock_version": page.field("lock_version")}
            if assigning:
                inp = parse_assign({**fields, "user_id": page.field("user_id")})
                slot, game, member = await service.assign(
                    page.session, page.person.principal, slot_id, inp
                )
            else:
                slot, game, member = await service.unassign(
                    page.session, page.person.principal, slot_id, parse_unassign(fields)
                )
            who = slot.official_id if assigning else before
            summary = await view.slot_summary(page.session, slot, game, member.site.id, who)
    except DomainError as exc:  # the transaction rolled back: nothing changed
        return render.redirect(request, back, error=problem_text(exc))
    if assigning:
        return render.redirect(request, back, notice=f"Assigned {summary}.")
    if who is None:
        return render.redirect(request, back, notice=f"The slot was already vacant: {summary}.")
    return render.redirect(request, back, notice=f"Unassigned {summary}.")


@router.post("/board/slots/{assignment_id}/assign")
async def assign(request: Request, assignment_id: str) -> Response:
    """Put ``user_id`` on the slot (replacing its holder); ``lock_version`` from the page."""
    return await _write(request, assignment_id, assigning=True)


@router.post("/board/slots/{assignment_id}/unassign")
async def unassign(request: Request, assignment_id: str) -> Response:
    """Vacate the slot; ``lock_version`` from the page."""
    return await _write(request, assignment_id, assigning=False)
