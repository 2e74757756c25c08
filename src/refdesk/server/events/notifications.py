"""Which e-mails an event causes (officials: assigned, changed, removed; assignors:
declined), rendered from the templates and queued with ``mail_queue.enqueue_mail``.

Called by the worker's fan-out (``dispatch.py``) in the transaction that marks the event
dispatched, so each event's e-mails are queued exactly once.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.events.models import Event
from refdesk.server.runtime import Runtime


async def plan_mail(session: AsyncSession, runtime: Runtime, event: Event) -> int:
    """Queue the e-mails ``event`` causes; return how many were queued."""
    return 0  # placeholder until the e-mail notifications land (issue 11, part 3)
