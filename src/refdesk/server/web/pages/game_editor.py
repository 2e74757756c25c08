"""The game editor of assignors and managers: create and edit (with ``lock_version`` and a
conflict screen). Cancel / reinstate, delete and publishing several games are
:mod:`.game_actions`.

Every write calls the service of the matching API endpoint with the input the API parses:

* ``POST /board/games/new`` → ``parse_game_write(…, creating=True)`` → ``service.create_game``
  (``POST /api/v2/sites/{id}/games``): venues, teams, age groups, leagues, game types and
  genders are sent by name and found or created by the service, as the API does;
* ``POST /board/games/{id}/edit`` → ``parse_game_write`` → ``service.update_game``
  (``PATCH /api/v2/games/{id}``) with only the changed fields and the form's
  ``lock_version``. A stale one (the service's 409) writes nothing and shows the conflict
  screen: each field someone else or the person changed, with "your value / their value /
  original value" (the originals travel in hidden ``orig_<field>`` fields), and two ways on:
  use theirs and edit again (the form reloaded) or apply mine on top (the same changes sent
  with the current ``lock_version``).

Validation errors re-render the form (422) with the messages by the fields and the values
kept; the other refusals of the services (a role that may not, a lapsed site) are shown as
the message. A saved game comes back to its editor with a notice and a link to its day on the
board.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.errors import (
    Conflict,
    DomainError,
    NotFound,
    ValidationFailed,
    humanise,
)
from refdesk.server.games import service
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import parse_game_write
from refdesk.server.sites.access import Membership
from refdesk.server.sites.rules import site_today
from refdesk.server.web import game_editor as view
from refdesk.server.web import render
from refdesk.server.web.page import Page, open_page
from refdesk.server.web.refusals import path_id

router = APIRouter(include_in_schema=False)
BOARD = "/board"
NEW = "/board/games/new"
NOT_STAFF = (
    "The game editor is for the assignors and managers of a site, and you are neither in "
    "{site}. Your own games are under My games."
)
NO_SITE = "Your account is not a member of any active site yet."
NO_GAME = "There is no such game (it may have been deleted). Go back to the board and try again."


def editor_href(game_id: int) -> str:
    return f"/board/games/{game_id}/edit"


def board_href(day: date | None) -> str:
    return f"{BOARD}?day={day.isoformat()}" if day is not None else BOARD


def _prefill_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw and len(raw) == 10 else None
    except ValueError:
        return None


def messages(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The service's field errors as sentences, under the form's field names."""
    found: dict[str, list[str]] = {}
    for key, texts in errors.items():
        target = view.ERROR_KEYS.get(key, key)
        label = view.LABELS.get(target, humanise(target))
        for text in texts:
            sentence = text if key == "base" else f"{label} {text}"
            if sentence not in found.setdefault(target, []):
                found[target].append(sentence)
    return found


def refusal(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        return "; ".join(m for ms in messages(exc.errors).values() for m in ms)
    return exc.message


def polite(page: Page, title: str = "Game editor") -> Response:
    """A person who is not an assignor or manager of the current site: a page saying so."""
    site = page.site
    text = NOT_STAFF.format(site=site.name) if site is not None else NO_SITE
    return page.render("game_editor_refused.html", BOARD, title=title, message=text)


def error_page(page: Page, status: int, message: str) -> Response:
    title = "Not found" if status == 404 else "Request refused"
    return page.render("error.html", BOARD, status=status, title=title, message=message)


async def _form_page(
    page: Page,
    member: Membership,
    form: view.GameForm,
    *,
    status: int = 200,
    game: Game | None = None,
) -> Response:
    options = await view.choices(page.session, member.site.id)
    day = _prefill_day(form.values.get("localized_date"))
    if game is not None:
        title = f"Edit game: {form.original.get('home_team_name')} vs "
        title += f"{form.original.get('away_team_name')}"
    else:
        title = "New game"
    return page.render(
        "game_editor.html",
        BOARD,
        status=status,
        title=title,
        form=form,
        options=options,
        game=game,
        timezone=member.site.timezone,
        labels=view.LABELS,
        status_label=view.STATUS_LABELS.get(form.original.get("status", "A"), ""),
        board=board_href(game.local_date if game is not None else day),
        editing=game is not None,
    )


async def load_game(page: Page, raw_id: str) -> tuple[Game, Membership] | Response:
    """The game the path names, for a person who administers its site; else the page."""
    game_id = path_id(raw_id)
    if game_id is None:
        return error_page(page, 404, NO_GAME)
    try:
        game, member = await service.read_game(page.session, page.person.principal, game_id)
    except NotFound:
        return error_page(page, 404, NO_GAME)
    except DomainError as exc:  # 403, 402: a read, nothing to roll back
        return error_page(page, 403, exc.message)
    if not member.administers:
        return polite(page)
    return game, member


# ---------------------------------------------------------------- create


@router.get(NEW)
async def new_game(request: Request) -> Response:
    """The empty form (``?day=YYYY-MM-DD`` fills in the date)."""
    async with open_page(request) as page:
        member = page.member
        if member is None or not page.staff:
            return polite(page, "New game")
        options = await view.choices(page.session, member.site.id)
        day = _prefill_day(request.query_params.get("day")) or site_today(member.site).date()
        creator = member.user.id if member.user is not None and member.user.assignor else None
        only_pattern = options.patterns[0][0] if len(options.patterns) == 1 else None
        form = view.GameForm(view.blank_values(day, creator, only_pattern))
        return await _form_page(page, member, form)


@router.post(NEW)
async def create(request: Request) -> Response:
    form = view.GameForm(view.blank_values(None, None, None))
    try:
        async with open_page(request, write=True) as page:
            form = view.GameForm(view.read_values(page.form))
            member = page.member
            if member is None:
                return page.redirect(NEW, error=NO_SITE)
            inp = parse_game_write(view.create_body(form.values), creating=True)
            game, member = await service.create_game(
                page.session, page.person.principal, member.site.id, inp
            )
            values = await view.game_values(page.session, game, member.site)
            text = view.summary(values, game, member.site)
            return page.redirect(editor_href(game.id), notice=f"Game created: {text}.")
    except ValidationFailed as exc:
        form.errors = messages(exc.errors)
        async with open_page(request) as page:
            if page.member is None:
                return polite(page, "New game")
            return await _form_page(page, page.member, form, status=422)
    except DomainError as exc:
        return render.redirect(request, NEW, error=exc.message)


# ---------------------------------------------------------------- edit


@router.get("/board/games/{game_id}/edit")
async def edit_game(request: Request, game_id: str) -> Response:
    """The game's form, loaded with its current values and ``lock_version``."""
    async with open_page(request) as page:
        if page.member is None or not page.staff:
            return polite(page)
        found = await load_game(page, game_id)
        if isinstance(found, Response):
            return found
        game, member = found
        values = await view.game_values(page.session, game, member.site)
        form = view.GameForm(dict(values), dict(values), game.lock_version, game.id)
        return await _form_page(page, member, form, game=game)


@dataclass
class _Sent:
    """What the edit form sent (kept for the re-rendered form or the conflict screen)."""

    form: view.GameForm
    conflict: bool = False


@router.post("/board/games/{game_id}/edit")
async def save(request: Request, game_id: str) -> Response:
    """Save the changed fields against the form's ``lock_version``."""
    sent = _Sent(view.GameForm({}))
    try:
        async with open_page(request, write=True) as page:
            wanted = path_id(game_id)
            if wanted is None:
                return error_page(page, 404, NO_GAME)
            lock_raw = page.field("lock_version")
            sent.form = view.GameForm(
                view.read_values(page.form),
                view.read_values(page.form, "orig_"),
                int(lock_raw) if lock_raw.isdigit() and len(lock_raw) < 12 else None,
                wanted,
            )
            sent.form.values["status"] = sent.form.original.get("status", "")
            changed = sent.form.changed()
            inp = parse_game_write(view.update_body(sent.form, sent.form.lock_version))
            game, member = await service.update_game(
                page.session, page.person.principal, wanted, inp
            )
            values = await view.game_values(page.session, game, member.site)
            text = view.summary(values, game, member.site)
            if not changed:
                return page.redirect(editor_href(game.id), notice=f"Nothing to save: {text}.")
            names = ", ".join(view.LABELS[n] for n in changed)
            return page.redirect(editor_href(game.id), notice=f"Saved {text} ({names}).")
    except Conflict:
        sent.conflict = True
    except ValidationFailed as exc:
        sent.form.errors = messages(exc.errors)
    except NotFound:
        return render.redirect(request, BOARD, error=NO_GAME)
    except DomainError as exc:
        location = editor_href(sent.form.game_id) if sent.form.game_id else BOARD
        return render.redirect(request, location, error=exc.message)
    # nothing was written (the transaction rolled back): show why, with the person's values
    async with open_page(request) as page:
        found = await load_game(page, game_id)
        if isinstance(found, Response):
            return found
        game, member = found
        if sent.conflict:
            return await _conflict(page, member, game, sent.form)
        return await _form_page(page, member, sent.form, status=422, game=game)


async def _conflict(page: Page, member: Membership, game: Game, form: view.GameForm) -> Response:
    theirs = await view.game_values(page.session, game, member.site)
    options = await view.choices(page.session, member.site.id)
    rows = view.conflict_rows(form.values, form.original, theirs, options)
    return page.render(
        "game_editor_conflict.html",
        BOARD,
        status=409,
        title="This game was changed by someone else",
        form=form,
        rows=rows,
        current_lock=game.lock_version,
        editable=view.EDITABLE,
        game=game,
        mine_changed=form.changed(),
        board=board_href(game.local_date),
    )
