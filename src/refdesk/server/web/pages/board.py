"""``/board``: the games board of the current site for its assignors and managers
(``web/board.py``): a week, a day or a date range of games by local day, filtered, each game
with its slots as chips linking to the assigning page, each game to its editor.

The games are the API's site game list (``games.lists.site_games``) read with the caller's
principal, so what the API refuses the board refuses: a person who is not an assignor or
manager of the current site gets a polite page instead (200), and a refusal of the service
(e.g. a lapsed subscription) is shown as a message.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.errors import DomainError
from refdesk.server.web import board as view
from refdesk.server.web import board_filters as filters
from refdesk.server.web.page import open_page

router = APIRouter(include_in_schema=False)
PATH = "/board"
TITLE = "Games board"
STAFF_ONLY = (
    "The games board is for the assignors and managers of a site. You are not an assignor or "
    "manager of {site}; your own games are under My games."
)
# How often board.js refreshes the chips and counts in place (progressive enhancement).
REFRESH_SECONDS = 10
NO_SITE = "Your account is not a member of any active site yet."


@router.get(PATH)
async def games_board(request: Request) -> Response:
    """The board (query parameters: ``web/board.py``)."""
    params = {key: value for key, value in request.query_params.items()}
    async with open_page(request) as page:
        member = page.member
        if member is None or not page.staff:
            message = NO_SITE if member is None else STAFF_ONLY.format(site=member.site.name)
            return page.render("board.html", PATH, title=TITLE, board=None, message=message)
        try:
            found = await view.board(page.session, page.person.principal, member, params)
        except DomainError as exc:
            return page.render("board.html", PATH, title=TITLE, board=None, message=exc.message)
        return page.render(
            "board.html",
            PATH,
            title=f"{TITLE}: {found.title}",
            board=found,
            message=None,
            status_choices=filters.STATUS_CHOICES,
            published_choices=filters.PUBLISHED_CHOICES,
            range_days=filters.RANGE_MAX_DAYS,
            board_max=view.BOARD_MAX,
            back=PATH + (f"?{request.url.query}" if request.url.query else ""),
            refresh_seconds=REFRESH_SECONDS,
        )
