"""The game editor's actions on whole games, for assignors and managers (the editor itself
is :mod:`.game_editor`). Each calls the service of the matching API endpoint:

* ``POST /board/games/{id}/status`` → ``status`` ``X``/``C`` (cancel, with or without the
  officials' fee) or ``A`` (reinstate) as a ``PATCH`` with the ``lock_version`` (the API
  takes no reason);
* ``POST /board/games/{id}/delete`` → ``service.delete_game`` (``DELETE``), after
  ``GET /board/games/{id}/delete`` said what goes with the game;
* ``POST /board/games/publish`` → ``game_id`` repeated (or ``game_id[]``) and ``action``
  ``publish``/``unpublish``: one ``PATCH is_public`` per game in ONE transaction; a refusal
  rolls them all back and says which game and why.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.api.body import decode_form, read_raw
from refdesk.server.errors import (
    Conflict,
    DomainError,
    NotFound,
)
from refdesk.server.games import service
from refdesk.server.games.schemas import parse_game_write
from refdesk.server.web import game_editor as view
from refdesk.server.web import render
from refdesk.server.web.page import Page, open_page
from refdesk.server.web.pages.game_editor import (
    BOARD,
    NO_GAME,
    board_href,
    editor_href,
    error_page,
    load_game,
    polite,
    refusal,
)
from refdesk.server.web.refusals import path_id

router = APIRouter(include_in_schema=False)
STALE_STATUS = (
    "The game changed since you loaded this page (someone else saved it). Nothing was "
    "changed: check the game below and try again."
)
STATUS_WORDS = {"X": "Cancelled", "C": "Cancelled (no fee)", "A": "Reinstated"}
PUBLISH_WORDS = {"publish": ("Published", "published"), "unpublish": ("Unpublished", "unpublished")}
MAX_BULK = 500


# ---------------------------------------------------------------- cancel / reinstate


@router.post("/board/games/{game_id}/status")
async def set_status(request: Request, game_id: str) -> Response:
    """``status`` ``X`` / ``C`` (cancel) or ``A`` (reinstate), with the ``lock_version``."""
    wanted = path_id(game_id)
    try:
        async with open_page(request, write=True) as page:
            if wanted is None:
                return error_page(page, 404, NO_GAME)
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
            return polite(page, "Delete a game")
        found = await load_game(page, game_id)
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
                return error_page(page, 404, NO_GAME)
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
