"""Venue and zone rules beyond the generic reference service (``reference/service.py``)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.venues.models import Venue, Zone


async def clear_zone(session: AsyncSession, zone: Zone) -> None:
    """A deleted zone leaves its venues without a zone."""
    await session.execute(update(Venue).where(Venue.zone_id == zone.id).values(zone_id=None))
