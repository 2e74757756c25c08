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
    game_actions,
    game_editor,
    games,
    home,
    imports,
    messages,
    officials,
    open_games,
    reports,
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
    game_actions.router,
    imports.router,
    messages.router,
    officials.router,
    reports.router,
    requests.router,
    assets.router,
)
