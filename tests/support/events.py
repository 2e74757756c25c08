"""Reading the outbox in tests: the events a change recorded, in the order recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from refdesk.server.events.models import Event
from refdesk.server.runtime import Runtime


async def recorded_events(runtime: Runtime, topic: str | None = None) -> list[Event]:
    """Every committed event (optionally of one topic), oldest first."""
    async with runtime.db.session() as session:
        query = select(Event).order_by(Event.id)
        if topic is not None:
            query = query.where(Event.topic == topic)
        return list((await session.scalars(query)).all())


def summary(event: Event) -> tuple[str, str, int, int | None, dict[str, Any]]:
    """(topic, resource_type, resource_id, game_id, data): what a test usually compares."""
    return (event.topic, event.resource_type, event.resource_id, event.game_id, event.data)


async def last_event_id(runtime: Runtime) -> int:
    """The newest committed event's id (0 when none): a mark to read what comes after."""
    events = await recorded_events(runtime)
    return events[-1].id if events else 0


async def events_after(
    runtime: Runtime, mark: int
) -> list[tuple[str, str, int, int | None, dict[str, Any]]]:
    """The summaries of the events committed after ``mark``, oldest first."""
    return [summary(e) for e in await recorded_events(runtime) if e.id > mark]
