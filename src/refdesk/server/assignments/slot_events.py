"""The slot events of contract §19.1: ``game.official.changed`` (one per slot and write),
``assignment.accepted`` and ``assignment.declined``.

Every rule that changes a slot's official or response takes the slot's :class:`SlotState`
before the write and calls :func:`slot_changed` after it; the events follow from the two
states alone, whichever rule (assign, edit, accept, approve, self-assign…) made the change:

* official changed: ``assigned`` (from vacant), ``replaced``, ``unassigned`` (to vacant);
* same official, response changed: ``accepted`` / ``declined``; a response taken back by an
  assignor (the slot is pending again) is ``assigned``;
* a slot that becomes accepted (or declined) also records ``assignment.accepted``
  (``assignment.declined``), whatever the action: an assign with ``accepted: true`` gives
  ``assigned`` and ``assignment.accepted``.

``user_id`` is the slot's official after the change, ``previous_user_id`` the one before it
when the official changed (else null). A new ``decline_reason`` or ``fee`` alone records
nothing: neither the official nor the response changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.events import topics
from refdesk.server.events.record import record

Events = list[tuple[str, dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class SlotState:
    official_id: int | None
    accepted: bool
    declined: bool

    @classmethod
    def of(cls, slot: Assignment) -> SlotState:
        return cls(slot.official_id, bool(slot.accepted), bool(slot.declined))


def _official_action(before: SlotState, after: SlotState) -> str | None:
    if before.official_id != after.official_id:
        if before.official_id is None:
            return "assigned"
        return "unassigned" if after.official_id is None else "replaced"
    if after.official_id is None:
        return None
    if after.accepted and not before.accepted:
        return "accepted"
    if after.declined and not before.declined:
        return "declined"
    if (before.accepted or before.declined) and not (after.accepted or after.declined):
        return "assigned"
    return None


def slot_events(before: SlotState, after: SlotState, reason: str | None) -> Events:
    """(topic, data) of one write to one slot, in the order they are recorded."""
    action = _official_action(before, after)
    if action is None:
        return []
    events: Events = []
    user = after.official_id
    held = user is not None and before.official_id == user
    if user is not None and after.accepted and not (held and before.accepted):
        events.append((topics.ASSIGNMENT_ACCEPTED, {"user_id": user}))
    if user is not None and after.declined and not (held and before.declined):
        events.append((topics.ASSIGNMENT_DECLINED, {"user_id": user, "reason": reason}))
    previous = before.official_id if before.official_id != after.official_id else None
    changed = {"action": action, "user_id": user, "previous_user_id": previous}
    events.append((topics.GAME_OFFICIAL_CHANGED, changed))
    return events


def _record(
    session: AsyncSession, slot: Assignment, site_id: int, events: Events, actor: int | None
) -> None:
    for topic, data in events:
        record(
            session,
            topic=topic,
            site_id=site_id,
            resource_type=topics.RESOURCE_ASSIGNMENT,
            resource_id=slot.id,
            game_id=slot.game_id,
            data=data,
            actor_account_id=actor,
        )


def slot_changed(
    session: AsyncSession,
    slot: Assignment,
    site_id: int,
    before: SlotState,
    actor: int | None,
) -> None:
    """Record what the write did to ``slot`` (nothing when its official and response stand)."""
    events = slot_events(before, SlotState.of(slot), slot.decline_reason)
    _record(session, slot, site_id, events, actor)


def slot_removed(session: AsyncSession, slot: Assignment, site_id: int, actor: int | None) -> None:
    """A slot deleted by a pattern change: ``removed`` when it had an official."""
    if slot.official_id is None:
        return
    data = {"action": "removed", "user_id": None, "previous_user_id": slot.official_id}
    _record(session, slot, site_id, [(topics.GAME_OFFICIAL_CHANGED, data)], actor)
