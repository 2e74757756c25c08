"""What changed in an official's game since they last saw it: the "Changed" badge of My
games.

A game is changed for an official when a ``game.updated`` event of the game names a change
an official must hear about — the same fields that send the "changed" e-mail
(``events.notifications.MATERIAL_CHANGES``: date, time, end, venue, field) or the game's
reinstatement after a cancellation — recorded *after* the later of

* the slot's last change (``assignments.updated``: the official was assigned, or last
  accepted or declined, or an assignor edited the slot), and
* the game's last publication (an official could not see the game before it),

so an official who accepts a game after it moved does not see it as changed, and a game
edited before it was published is not "changed" for its officials. A cancelled game shows
"Cancelled" instead. Only games edited after the slot's last change (``games.updated`` >
``assignments.updated``) are looked up in the events outbox.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.events import topics
from refdesk.server.events.models import Event
from refdesk.server.events.notifications import CHANGE_LABELS, MATERIAL_CHANGES
from refdesk.server.games.bundle import AssignmentLike

REINSTATED = "reinstated after a cancellation"


async def changed_since_seen(
    session: AsyncSession, site_id: int, mine: Mapping[int, Sequence[AssignmentLike]]
) -> dict[int, list[str]]:
    """Game id -> what changed since the official's slot last changed (see the module docstring)."""
    since = {game_id: max(s.updated for s in slots) for game_id, slots in mine.items() if slots}
    if not since:
        return {}
    rows = await session.execute(
        select(Event.game_id, Event.data, Event.occurred_at)
        .where(
            Event.site_id == site_id,
            Event.topic == topics.GAME_UPDATED,
            Event.game_id.in_(list(since)),
        )
        .order_by(Event.id)
    )
    events: dict[int, list[tuple[list[str], datetime]]] = {}
    for game_id, data, occurred in rows:
        changes = data.get("changes") if isinstance(data, dict) else None
        names = [str(c) for c in changes] if isinstance(changes, list) else []
        events.setdefault(game_id, []).append((names, occurred))
    found: dict[int, list[str]] = {}
    for game_id, recorded in events.items():
        seen = since[game_id]
        for names, occurred in recorded:
            if "published" in names:
                seen = max(seen, occurred)
        labels: list[str] = []
        for names, occurred in recorded:
            if occurred <= seen:
                continue
            for name in names:
                label = CHANGE_LABELS.get(name) if name in MATERIAL_CHANGES else None
                if name in ("status", "cancelled"):
                    label = REINSTATED
                if label is not None and label not in labels:
                    labels.append(label)
        if "date and time" in labels and "end time" in labels:
            labels.remove("end time")  # the game moved: its end moved with it
        if labels:
            found[game_id] = labels
    return found
