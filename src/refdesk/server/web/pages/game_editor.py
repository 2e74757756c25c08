"""The game editor of assignors and managers: create, edit (with ``lock_version`` and a
conflict screen), cancel / reinstate, delete (after a confirmation), publish or unpublish
several games at once.

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
  with the current ``lock_version``);
* ``POST /board/games/{id}/status`` → ``status`` ``X``/``C`` (cancel, with or without the
  officials' fee) or ``A`` (reinstate) as a ``PATCH`` with the ``lock_version`` (the API
  takes no reason);
* ``POST /board/games/{id}/delete`` → ``service.delete_game`` (``DELETE``), after
  ``GET /board/games/{id}/delete`` said what goes with the game;
* ``POST /board/games/publish`` → ``game_id`` repeated (or ``game_id[]``) and ``action``
  ``publish``/``unpublish``: one ``PATCH is_public`` per game in ONE transaction; a refusal
  rolls them all back and says which game and why.

Validation errors re-render the form (422) with the messages by the fields and the values
kept; the other refusals of the services (a role that may not, a lapsed site) are shown as
the message. A saved game comes back to its editor with a notice and a link to its day on the
board.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.api.body import decode_form, read_raw
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
STALE_STATUS = (
    "The game changed since you loaded this page (someone else saved it). Nothing was "
    "changed: check the game below and try again."
)
STATUS_WORDS = {"X": "Cancelled", "C": "Cancelled (no fee)", "A": "Reinstated"}
PUBLISH_WORDS = {"publish": ("Published", "published"), "unpublish": ("Unpublished", "unpublished")}
MAX_BULK = 500


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


def _polite(page: Page, title: str = "Game editor") -> Response:
    """A person who is not an assignor or manager of the current site: a page saying so."""
    site = page.site
    text = NOT_STAFF.format(site=site.name) if site is not None else NO_SITE
    return page.render("game_editor_refused.html", BOARD, title=title, message=text)


def _error_page(page: Page, status: int, message: str) -> Response:
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


async def _load(page: Page, raw_id: str) -> tuple[Game, Membership] | Response:
    """The game the path names, for a person who administers its site; else the page."""
    game_id = path_id(raw_id)
    if game_id is None:
        return _error_page(page, 404, NO_GAME)
    try:
        game, member = await service.read_game(page.session, page.person.principal, game_id)
    except NotFound:
        return _error_page(page, 404, NO_GAME)
    except DomainError as exc:  # 403, 402: a read, nothing to roll back
        return _error_page(page, 403, exc.message)
    if not member.administers:
        return _polite(page)
    return game, member


# ---------------------------------------------------------------- create


@router.get(NEW)
async def new_game(request: Request) -> Response:
    """The empty form (``?day=YYYY-MM-DD`` fills in the date)."""
    async with open_page(request) as page:
        member = page.member
        if member is None or not page.staff:
            return _polite(page, "New game")
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
                return _polite(page, "New game")
            return await _form_page(page, page.member, form, status=422)
    except DomainError as exc:
        return render.redirect(request, NEW, error=exc.message)


# ---------------------------------------------------------------- edit


@router.get("/board/games/{game_id}/edit")
async def edit_game(request: Request, game_id: str) -> Response:
    """The game's form, loaded with its current values and ``lock_version``."""
    async with open_page(request) as page:
        if page.member is None or not page.staff:
            return _polite(page)
        found = await _load(page, game_id)
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
                return _error_page(page, 404, NO_GAME)
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
        found = await _load(page, game_id)
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


# ---------------------------------------------------------------- cancel / reinstate


@router.post("/board/games/{game_id}/status")
async def set_status(request: Request, game_id: str) -> Response:
    """``status`` ``X`` / ``C`` (cancel) or ``A`` (reinstate), with the ``lock_version``."""
    wanted = path_id(game_id)
    try:
        async with open_page(request, write=True) as page:
            if wanted is None:
                return _error_page(page, 404, NO_GAME)
            status = page.field("status").upper()
            if status not in STATUS_WORDS:
                return page.redirect(editor_href(wanted), error="Choose cancel or reinstate.")
            inp = parse_game_write({"status": status, "lock_version": page.field("lock_version")})
            game, member = await service.update_game(
                page.session, page.person.principal, wanted, inp
            )
            values = await view.game_values(page.session, game, member.site)
            text = view.summary(values, game, member.site)
            return page.redirect(editor_href(game.id), notice=f"{STATUS_WORDS[status]}: {text}.")
    except NotFound:
        return render.redirect(request, BOARD, error=NO_GAME)
    except Conflict:
        return render.redirect(request, editor_href(wanted or 0), error=STALE_STATUS)
    except DomainError as exc:
        return render.redirect(request, editor_href(wanted or 0), error=refusal(exc))


# ---------------------------------------------------------------- delete


@router.get("/board/games/{game_id}/delete")
async def confirm_delete(request: Request, game_id: str) -> Response:
    """The confirmation step: what goes with the game, and the button."""
    async with open_page(request) as page:
        if page.member is None or not page.staff:
            return _polite(page, "Delete a game")
        found = await _load(page, game_id)
        if isinstance(found, Response):
            return found
        game, member = found
        values = await view.game_values(page.session, game, member.site)
        return page.render(
            "game_editor_delete.html",
            BOARD,
            title="Delete this game?",
            game=game,
            text=view.summary(values, game, member.site),
            stake=await view.at_stake(page.session, game),
            board=board_href(game.local_date),
        )


@router.post("/board/games/{game_id}/delete")
async def delete(request: Request, game_id: str) -> Response:
    wanted = path_id(game_id)
    try:
        async with open_page(request, write=True) as page:
            if wanted is None:
                return _error_page(page, 404, NO_GAME)
            # loaded as the service loads it (its refusals come first, as in the API)
            game, member = await service.load_game(page.session, page.person.principal, wanted)
            values = await view.game_values(page.session, game, member.site)
            text = view.summary(values, game, member.site)
            day = game.local_date
            await service.delete_game(page.session, page.person.principal, wanted)
            return page.redirect(board_href(day), notice=f"Deleted: {text}.")
    except NotFound:
        return render.redirect(request, BOARD, error=NO_GAME)
    except DomainError as exc:
        location = f"/board/games/{wanted}/delete" if wanted else BOARD
        return render.redirect(request, location, error=f"The game was not deleted: {exc.message}")


# ---------------------------------------------------------------- publish several


class _Refused(Exception):
    def __init__(self, game_id: int, exc: DomainError) -> None:
        super().__init__(exc.message)
        self.game_id = game_id
        self.exc = exc


def posted_ids(raw: bytes) -> list[int] | None:
    """Every ``game_id`` (or ``game_id[]``) of a urlencoded body, in order, without repeats;
    None when one is not an id."""
    found: list[int] = []
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return None
    for key, value in pairs:
        if key in ("game_id", "game_id[]"):
            game_id = path_id(value.strip())
            if game_id is None:
                return None
            if game_id not in found:
                found.append(game_id)
    return found


def _back(page: Page) -> str:
    """Where the bulk form came from (``next``): a board address, else the board."""
    value = page.field("next")
    fits = (value == BOARD or value.startswith(BOARD + "?")) and len(value) <= 300
    if fits and all(c.isalnum() or c in "?=&-_.%[]+/" for c in value):
        return value
    return BOARD


@router.post("/board/games/publish")
async def publish(request: Request) -> Response:
    """Publish or unpublish the chosen games, all or none."""
    raw = await read_raw(request, render.runtime_of(request).settings.max_body_bytes)
    # the body is read here (to see every repeated ``game_id``) and handed to ``open_page``
    urlencoded = request.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    )
    request.state.decoded_body = decode_form(raw) if urlencoded and raw else {}
    ids = posted_ids(raw) if urlencoded else []
    back = BOARD
    action = ""
    try:
        async with open_page(request, write=True) as page:
            back = _back(page)
            action = page.field("action")
            if action not in PUBLISH_WORDS:
                return page.redirect(back, error="Choose publish or unpublish.")
            if ids is None:
                return page.redirect(back, error="Nothing was changed: a game id is not valid.")
            if not ids:
                return page.redirect(back, error="Choose at least one game.")
            if len(ids) > MAX_BULK:
                return page.redirect(back, error=f"Choose at most {MAX_BULK} games at once.")
            flag = "true" if action == "publish" else "false"
            changed = 0
            for game_id in ids:
                try:
                    before, _ = await service.load_game(
                        page.session, page.person.principal, game_id
                    )
                    was = before.published
                    inp = parse_game_write({"is_public": flag})
                    game, _ = await service.update_game(
                        page.session, page.person.principal, game_id, inp
                    )
                except DomainError as exc:
                    raise _Refused(game_id, exc) from exc
                changed += game.published != was
    except _Refused as refused:  # every change rolled back
        async with open_page(request) as page:
            which = await _describe(page, refused.game_id)
        return render.redirect(
            request,
            back,
            error=f"Nothing was {PUBLISH_WORDS[action][1]}: {which}: {refusal(refused.exc)}",
        )
    except DomainError as exc:
        return render.redirect(request, back, error=exc.message)
    word = PUBLISH_WORDS[action][0]
    count = len(ids)
    games = "1 game" if count == 1 else f"{count} games"
    already = count - changed
    note = f" ({already} already {PUBLISH_WORDS[action][1]})" if already else ""
    return render.redirect(request, back, notice=f"{word} {games}{note}.")


async def _describe(page: Page, game_id: int) -> str:
    """``game 12 (Hawks vs Falcons, Saturday …)`` when the person may see it."""
    try:
        game, member = await service.read_game(page.session, page.person.principal, game_id)
    except DomainError:
        return f"game {game_id}"
    values = await view.game_values(page.session, game, member.site)
    return f"game {game_id} ({view.summary(values, game, member.site)})"
