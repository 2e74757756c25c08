"""One router per area of the web app; ``app.py`` includes :data:`ROUTERS`."""

from __future__ import annotations

from fastapi import APIRouter

from refdesk.server.web.pages import assets, availability, home

ROUTERS: tuple[APIRouter, ...] = (home.router, availability.router, assets.router)
