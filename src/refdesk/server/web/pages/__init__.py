"""One router per area of the web app; ``app.py`` includes :data:`ROUTERS`."""

from __future__ import annotations

from fastapi import APIRouter

from refdesk.server.web.pages import (
    account,
    assets,
    availability,
    calendar,
    earnings,
    games,
    home,
    imports,
    open_games,
    reports,
)

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    games.router,
    availability.router,
    open_games.router,
    earnings.router,
    account.router,
    calendar.router,
    imports.router,
    reports.router,
    assets.router,
)
