"""Sending queued e-mail (``MailJob``): SMTP when ``mail_host`` is set, otherwise an .eml
file under ``<data dir>/mail/``; retries on the §19.2 schedule."""

from __future__ import annotations

from refdesk.server.runtime import Runtime


async def send_due(runtime: Runtime, worker_id: str) -> int:
    """Claim and send the e-mails that are due; return how many were handled."""
    return 0  # placeholder until the mail path lands (issue 11, part 3)
