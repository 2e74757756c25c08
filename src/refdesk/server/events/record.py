"""Recording an event: the one way services emit §19.1 events (the transactional outbox).

The row is added to the caller's session, so it commits or rolls back with the change that
caused it. Delivery happens later, in the worker, after commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.events.models import Event
from refdesk.server.events.topics import TOPICS


def record(
    session: AsyncSession,
    *,
    topic: str,
    site_id: int,
    resource_type: str,
    resource_id: int,
    game_id: int | None = None,
    data: dict[str, Any] | None = None,
    actor_account_id: int | None = None,
    subscription_id: int | None = None,
) -> Event:
    """Add one event to ``session``'s transaction and return it (its id is set at flush)."""
    if topic not in TOPICS:
        raise ValueError(f"unknown event topic {topic!r}")
    event = Event(
        topic=topic,
        site_id=site_id,
        resource_type=resource_type,
        resource_id=resource_id,
        game_id=game_id,
        data=dict(data or {}),
        actor_account_id=actor_account_id,
        subscription_id=subscription_id,
    )
    session.add(event)
    return event
