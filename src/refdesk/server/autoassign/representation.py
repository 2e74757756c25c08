"""The proposal document (refdesk extension, issue 14), resource-type ``auto-assign``."""

from __future__ import annotations

from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.autoassign.models import DONE, AutoAssignProposal
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import timestamp

RESOURCE_TYPE = "auto-assign"


def self_path(site_id: int, proposal_id: int) -> str:
    return f"/sites/{site_id}/auto_assign/{proposal_id}"


def _slot_links(item: dict[str, Any], base: str) -> dict[str, Any]:
    links: dict[str, Any] = {
        "assignment": link(base, f"/assignments/{item['assignment_id']}", "assignment")
    }
    if item.get("game_id") is not None:
        links["game"] = link(base, f"/games/{item['game_id']}", "game")
    if item.get("official_id") is not None:
        links["official"] = link(base, f"/users/{item['official_id']}", "user")
    return {**item, "_links": links}


def proposal_document(
    proposal: AutoAssignProposal,
    site: Site,
    base: str,
    progress: tuple[str, float] | None = None,
) -> dict[str, Any]:
    tz = site.timezone
    path = self_path(site.id, proposal.id)
    result = proposal.result or {}
    body: dict[str, Any] = {
        "id": proposal.id,
        "site_id": proposal.site_id,
        "status": proposal.status,
        "start_date": proposal.start_date.isoformat(),
        "end_date": proposal.end_date.isoformat(),
        "options": dict(proposal.options),
        "created_by_id": proposal.created_by_id,
        "error": proposal.error,
        "solver_status": result.get("solver_status"),
        "filled": len(result.get("fills", [])) if proposal.result is not None else None,
        "open_slots": result.get("open_slots"),
        "bound_filled": result.get("bound_filled"),
        "objective": result.get("objective"),
        "timings": result.get("timings"),
        "fills": [_slot_links(f, base) for f in result.get("fills", [])],
        "empty_slots": [_slot_links(e, base) for e in result.get("empty_slots", [])],
        "applied": proposal.applied,
        "started_at": timestamp(proposal.started_at, tz),
        "finished_at": timestamp(proposal.finished_at, tz),
        "applied_at": timestamp(proposal.applied_at, tz),
        "created": timestamp(proposal.created, tz),
        "updated": timestamp(proposal.updated, tz),
    }
    if progress is not None:
        body["progress"] = {"phase": progress[0], "fraction": round(progress[1], 3)}
    links: dict[str, Any] = {
        "self": link(base, path, RESOURCE_TYPE),
        "site": link(base, f"/sites/{site.id}", "site"),
    }
    if proposal.status == DONE and proposal.applied_at is None:
        links["apply"] = link(base, f"{path}/apply")
    body["_links"] = links
    return body
