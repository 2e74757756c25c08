"""One router per area of the web app; ``app.py`` includes :data:`ROUTERS`."""

from __future__ import annotations

from fastapi import APIRouter

from refdesk.server.web.pages import assets, calendar, home

ROUTERS: tuple[APIRouter, ...] = (home.router, calendar.router, assets.router)
