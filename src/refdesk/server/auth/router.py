"""OAuth 2.0 endpoints (contract §6): /oauth/token, /oauth/authorize, /oauth/revoke."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
