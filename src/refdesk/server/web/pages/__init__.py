"""One router per area of the web app; ``app.py`` includes :data:`ROUTERS`."""

from __future__ import annotations

from fastapi import APIRouter

from refdesk.server.web.pages import (
    account,
    assets,
    assigning,
    availability,
    board,
    calendar,
    earnings,
    game_editor,
    games,
    home,
    messages,
    officials,
    open_games,
    requests,
)

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    games.router,
    availability.router,
    open_games.router,
    earnings.router,
    account.router,
    calendar.router,
    assigning.router,
    board.router,
    game_editor.router,
    messages.router,
    officials.router,
    requests.router,
    assets.router,
)
