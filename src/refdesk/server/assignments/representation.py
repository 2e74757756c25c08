"""Documents of the assignment endpoints (contract §16.4, §16.5).

One slot is represented by ``games.representation.assignment_repr`` from its game's bundle
(the same document as in the game's ``_embedded.assignments``); these functions load that
bundle and build the collections.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.api.errors import ApiError
from refdesk.server.api.hal import link
from refdesk.server.api.pagination import collection
from refdesk.server.assignments.candidates import Candidate
from refdesk.server.assignments.models import Assignment
from refdesk.server.games.bundle import GameLike, load_bundle
from refdesk.server.games.representation import GameFacts, Viewer, assignment_repr
from refdesk.server.paging import PageRequest
from refdesk.server.sites.access import Membership


async def assignment_document(
    session: AsyncSession, slot: Assignment, game: GameLike, member: Membership, base: str
) -> dict[str, Any]:
    """One slot as the caller sees it."""
    bundle = await load_bundle(session, [game], {member.site.id: member.site})
    for candidate, position in bundle.slots.get(game.id, []):
        if candidate.id == slot.id:
            return assignment_repr(candidate, position, game, bundle, Viewer(member), base)
    raise ApiError("not_found", "The assignment was not found")


async def game_assignments_document(
    session: AsyncSession, game: GameLike, member: Membership, page: PageRequest, base: str
) -> dict[str, Any]:
    """A game's slots in sort order, one page of them."""
    bundle = await load_bundle(session, [game], {member.site.id: member.site})
    slots = bundle.slots.get(game.id, [])
    viewer = Viewer(member)
    facts = GameFacts.of(game, bundle, base)
    items = [
        assignment_repr(a, p, game, bundle, viewer, base, facts)
        for a, p in slots[page.offset : page.offset + page.limit]
    ]
    return collection(base, f"/games/{game.id}/assignments", "assignments", items, len(slots), page)


def candidate_repr(candidate: Candidate, slot: Assignment, base: str) -> dict[str, Any]:
    user = candidate.user
    return {
        "user_id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "conflicts": candidate.conflicts,
        "ok": candidate.ok,
        "requested": candidate.requested,
        "current": candidate.current,
        "games_same_day": candidate.games_same_day,
        "_links": {
            "user": link(base, f"/users/{user.id}", "user"),
            "assign": link(base, f"/assignments/{slot.id}/assign"),
        },
    }


def candidates_document(
    slot: Assignment,
    found: list[Candidate],
    total: int,
    page: PageRequest,
    filters: dict[str, str],
    base: str,
) -> dict[str, Any]:
    """The page of candidates (§16.5) with the filters the client supplied in its links."""
    items = (candidate_repr(c, slot, base) for c in found)
    return collection(
        base, f"/assignments/{slot.id}/candidates", "candidates", items, total, page, filters
    )
