"""Time-driven notifications: reminders before games and the assignors' daily digest of
unfilled slots. Queued once each (``NotificationMark``), whatever the number of workers."""

from __future__ import annotations

from datetime import datetime

from refdesk.server.runtime import Runtime


async def run_due(runtime: Runtime, now: datetime) -> int:
    """Queue the reminders and digests due at ``now``; return how many e-mails were queued."""
    return 0  # placeholder until the mail path lands (issue 11, part 3)
