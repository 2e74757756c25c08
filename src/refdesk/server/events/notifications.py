"""Which e-mails an event causes, rendered from the templates and queued with
``mail_queue.enqueue_mail``.

Called by the worker's fan-out in the transaction that marks the event dispatched, so each
event's e-mails are queued exactly once. What the mail says is read when it is queued (the
game as it is then), in a bounded number of statements per event.

* ``game.official.changed`` ``assigned`` / ``replaced``: the new official gets ``assigned``
  (with accept/decline links while the slot awaits an answer); ``replaced`` /
  ``unassigned`` / ``removed``: the previous official gets ``removed``.
* ``game.updated`` changing the time, date, end or venue, or un-cancelling: every official
  on the game (not declined) gets ``changed`` (nothing while the game stays cancelled);
  publishing a game sends ``assigned`` to the officials already on it (they could not see
  it before). ``game.cancelled``: ``changed``.
* ``assignment.declined``: the game's assignor, or every assignor of the site when the game
  names none, gets ``declined`` with the reason.
* ``game.deleted``: nothing. The game and its slots are gone when the worker reads the
  event, and §19.1 gives its ``data`` no officials, so nobody can be told reliably.

Officials hear only about published games (the only ones they can see). Nobody is written
to who is inactive, has no address, opted out of the kind, or made the change themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.events import topics
from refdesk.server.events.links import api_link
from refdesk.server.events.mail_facts import (
    GameFacts,
    Person,
    SlotFacts,
    load_assignors,
    load_games,
    load_people,
    load_slots,
)
from refdesk.server.events.mail_queue import enqueue_mail
from refdesk.server.events.models import Event
from refdesk.server.events.render import render
from refdesk.server.events.respond_links import respond_links
from refdesk.server.runtime import Runtime

logger = logging.getLogger(__name__)

# game.updated ``changes`` an official must hear about (§19.1 names representation fields).
MATERIAL_CHANGES = frozenset(
    {
        "start_time",
        "end_time",
        "localized_date",
        "localized_time",
        "localized_end_time",
        "venue",
        "venue_id",
        "subvenue",
    }
)
CHANGE_LABELS = {
    "start_time": "date and time",
    "localized_date": "date and time",
    "localized_time": "date and time",
    "end_time": "end time",
    "localized_end_time": "end time",
    "venue": "venue",
    "venue_id": "venue",
    "subvenue": "field",
}


def queue(
    session: AsyncSession,
    kind: str,
    person: Person,
    context: dict[str, Any],
    *,
    site_id: int,
    event_id: int | None,
) -> int:
    """Render ``kind`` for ``person`` and queue one job per address; return how many."""
    mail = render(kind, {**context, "recipient": person.name})
    for address in person.emails:
        enqueue_mail(
            session,
            kind=kind,
            to_address=address,
            subject=mail.subject,
            text_body=mail.text,
            html_body=mail.html,
            site_id=site_id,
            user_id=person.id,
            account_id=person.account_id,
            event_id=event_id,
        )
    return len(person.emails)


def slot_context(runtime: Runtime, slot: SlotFacts, game: GameFacts) -> dict[str, Any]:
    """The official's slot in a mail: position, answer and, while it awaits an answer and
    the game is ahead, the accept/decline links."""
    pending = slot.official_id is not None and not slot.accepted and not slot.declined
    links = respond_links(runtime, slot, game) if pending and not game.cancelled else None
    return {
        "id": slot.id,
        "position": slot.position,
        "accepted": slot.accepted,
        "declined": slot.declined,
        "link": api_link(runtime, f"assignments/{slot.id}"),
        "accept_link": links["accept"] if links else None,
        "decline_link": links["decline"] if links else None,
    }


def crew(slots: Iterable[SlotFacts]) -> list[dict[str, Any]]:
    return [
        {"position": s.position, "official": s.official_name if not s.declined else None}
        for s in slots
    ]


async def plan_mail(session: AsyncSession, runtime: Runtime, event: Event) -> int:
    """Queue the e-mails ``event`` causes; return how many were queued.

    Planned in a savepoint: should it fail (a broken template, say), the event's e-mails are
    dropped and logged, and the fan-out (webhook deliveries) goes on."""
    planner = PLANNERS.get(event.topic)
    if planner is None or event.game_id is None:
        return 0
    try:
        async with session.begin_nested():
            return await planner(session, runtime, event)
    except Exception:
        logger.exception("no e-mail for event %s (%s): planning failed", event.id, event.topic)
        return 0


def _user_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def _official_changed(session: AsyncSession, runtime: Runtime, event: Event) -> int:
    data = event.data or {}
    action = data.get("action")
    user_id, previous = _user_id(data.get("user_id")), _user_id(data.get("previous_user_id"))
    assigned = user_id if action in ("assigned", "replaced") else None
    # Who left the slot: ``previous_user_id`` when given, else (unassigned, removed) the
    # event's ``user_id``, whichever way the emitter names the person who was on it.
    removed = None
    if action == "replaced":
        removed = previous
    elif action in ("unassigned", "removed"):
        removed = previous if previous is not None else user_id
    if assigned is None and removed is None:
        return 0
    assert event.game_id is not None
    game = (await load_games(session, runtime, [event.game_id])).get(event.game_id)
    if game is None or not game.published:
        return 0
    slots = await load_slots(session, game_ids=[game.id])
    people = await load_people(session, [assigned, removed])
    count = 0
    base: dict[str, Any] = {
        "site_name": game.site_name,
        "game": game.context(),
        "crew": crew(slots),
    }
    person = people.get(assigned) if assigned is not None else None
    slot = next((s for s in slots if s.id == event.resource_id), None)
    # A slot that has moved on since (another official, a removed slot) is told by the
    # later event; the mail must not offer links to a slot the person no longer holds.
    if (
        person
        and slot
        and slot.official_id == person.id
        and person.reachable("assigned", event.actor_account_id)
    ):
        context = {**base, "slot": slot_context(runtime, slot, game)}
        count += queue(
            session, "assigned", person, context, site_id=game.site_id, event_id=event.id
        )
    gone = people.get(removed) if removed is not None else None
    if gone and gone.reachable("removed", event.actor_account_id):
        still_on = any(s.official_id == gone.id for s in slots)
        if not still_on:
            position = data.get("position") or (slot.position if slot else None)
            context = {**base, "position": position}
            count += queue(
                session, "removed", gone, context, site_id=game.site_id, event_id=event.id
            )
    return count


async def _game_changed(session: AsyncSession, runtime: Runtime, event: Event) -> int:
    assert event.game_id is not None
    game = (await load_games(session, runtime, [event.game_id])).get(event.game_id)
    if game is None or not game.published:
        return 0
    changes = [str(c) for c in (event.data or {}).get("changes") or []]
    cancelled = event.topic == topics.GAME_CANCELLED
    if not cancelled and game.cancelled:
        # Still cancelled (X <-> C, or an edit of a cancelled game): nothing to tell; the
        # same request's game.cancelled, if any, tells it once.
        return 0
    uncancelled = not cancelled and bool({"status", "cancelled"} & set(changes))
    material = sorted({CHANGE_LABELS[c] for c in changes if c in MATERIAL_CHANGES})
    published = not cancelled and "published" in changes
    if not (cancelled or uncancelled or material or published):
        return 0
    slots = await load_slots(session, game_ids=[game.id])
    held = [s for s in slots if s.official_id is not None and not s.declined]
    people = await load_people(session, [s.official_id for s in held])
    base: dict[str, Any] = {
        "site_name": game.site_name,
        "game": game.context(),
        "crew": crew(slots),
    }
    count = 0
    for slot in held:
        person = people.get(slot.official_id or 0)
        if person is None:
            continue
        if published and not cancelled:
            # Newly visible: the official hears of the slot as if assigned now.
            if person.reachable("assigned", event.actor_account_id):
                context = {**base, "slot": slot_context(runtime, slot, game)}
                count += queue(
                    session, "assigned", person, context, site_id=game.site_id, event_id=event.id
                )
            continue
        if not (cancelled or uncancelled or material):
            continue
        if person.reachable("changed", event.actor_account_id):
            context = {
                **base,
                "slot": slot_context(runtime, slot, game),
                "cancelled": cancelled,
                "uncancelled": uncancelled,
                "changes": material,
            }
            count += queue(
                session, "changed", person, context, site_id=game.site_id, event_id=event.id
            )
    return count


async def _declined(session: AsyncSession, runtime: Runtime, event: Event) -> int:
    assert event.game_id is not None
    game = (await load_games(session, runtime, [event.game_id])).get(event.game_id)
    if game is None:
        return 0
    data = event.data or {}
    official_id = _user_id(data.get("user_id"))
    slots = await load_slots(session, game_ids=[game.id])
    slot = next((s for s in slots if s.id == event.resource_id), None)
    assignors = (await load_assignors(session, [game.site_id])).get(game.site_id, [])
    recipients = [a for a in assignors if a.id == game.assignor_id] or assignors
    official = (await load_people(session, [official_id])).get(official_id or 0)
    reason = data.get("reason")
    context = {
        "site_name": game.site_name,
        "game": game.context(),
        "official": official.name if official else "An official",
        "position": slot.position if slot else None,
        "crew": crew(slots),
        "reason": reason if isinstance(reason, str) and reason.strip() else None,
        "assignment_link": api_link(runtime, f"assignments/{event.resource_id}"),
        "candidates_link": api_link(runtime, f"assignments/{event.resource_id}/candidates"),
    }
    count = 0
    for person in recipients:
        if person.reachable("declined", event.actor_account_id):
            count += queue(
                session, "declined", person, context, site_id=game.site_id, event_id=event.id
            )
    return count


Planner = Callable[[AsyncSession, Runtime, Event], Awaitable[int]]
PLANNERS: dict[str, Planner] = {
    topics.GAME_OFFICIAL_CHANGED: _official_changed,
    topics.ASSIGNMENT_DECLINED: _declined,
    topics.GAME_UPDATED: _game_changed,
    topics.GAME_CANCELLED: _game_changed,
}
