"""Game request documents (contract §16.6)."""

from __future__ import annotations

from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.game_requests.models import GameRequest
from refdesk.server.game_requests.service import Requests
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import timestamp
from refdesk.server.users.models import User
from refdesk.server.users.representation import user_summary


def request_repr(request: GameRequest, user: User | None, site: Site, base: str) -> dict[str, Any]:
    links: dict[str, Any] = {
        "self": link(base, f"/game_requests/{request.id}", "game-request"),
        "game": link(base, f"/games/{request.game_id}", "game"),
        "user": link(base, f"/users/{request.user_id}", "user"),
    }
    if request.assignment_id is not None:
        links["assignment"] = link(base, f"/assignments/{request.assignment_id}", "assignment")
    body: dict[str, Any] = {
        "id": request.id,
        "game_id": request.game_id,
        "position_id": request.position_id,
        "user_id": request.user_id,
        "status": request.status,
        "comment": request.comment,
        "assignment_id": request.assignment_id,
        "created": timestamp(request.created, site.timezone),
        "updated": timestamp(request.updated, site.timezone),
        "_links": links,
    }
    if user is not None:
        body["_embedded"] = {"user": user_summary(user, site, base)}
    return body


def requests_repr(found: Requests, base: str) -> list[dict[str, Any]]:
    """The documents of requests loaded with their users."""
    site = found.member.site
    return [request_repr(r, found.users.get(r.user_id), site, base) for r in found.requests]
