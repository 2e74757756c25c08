"""Unauthenticated auxiliary endpoints: the API root (§10.5) and problem types (§4.3)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from refdesk.server.api.deps import RuntimeDep, require_acceptable
from refdesk.server.api.errors import ApiError, problem_document
from refdesk.server.api.hal import link
from refdesk.server.api.origin import base_url
from refdesk.server.api.responses import ApiResponse, negotiation_of

router = APIRouter()


@router.get("/api/v2", dependencies=[Depends(require_acceptable)])
async def api_root(request: Request, runtime: RuntimeDep) -> Response:
    """The HAL entry point: links to the account, sites and the OAuth endpoints."""
    base = base_url(request.scope, runtime.settings)
    body = {
        "_links": {
            "self": {"href": f"{base}/api/v2.json"},
            "current_account": link(base, "/current_account", "account"),
            "sites": link(base, "/sites"),
            "token": {"href": f"{base}/oauth/token"},
            "authorize": {"href": f"{base}/oauth/authorize"},
        }
    }
    return ApiResponse(body, media_type=negotiation_of(request.scope).content_type)


@router.get("/problems/{error}")
async def problem(error: str, request: Request, runtime: RuntimeDep) -> Response:
    """Describes one error code (RFC 9457 problem type)."""
    document = problem_document(request.scope, runtime.settings, error)
    if document is None:
        raise ApiError("not_found", f"No problem type named {error}")
    return ApiResponse(document, media_type="application/json; charset=utf-8")
