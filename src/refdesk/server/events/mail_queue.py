"""Queueing an e-mail: the one way anything in refdesk sends mail.

Jobs are added to the caller's session (so mail, like events, is sent only if the change
commits) and sent by the worker (``mail_sender.py``).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.events.models import MailJob

# Kinds a person can opt out of (``users.notification_preferences``); the others
# (message, invitation, password_reset) are always sent.
OPTIONAL_KINDS = ("assigned", "changed", "removed", "reminder", "declined", "digest")
KINDS = (*OPTIONAL_KINDS, "message", "invitation", "password_reset")


def enqueue_mail(
    session: AsyncSession,
    *,
    kind: str,
    to_address: str,
    subject: str,
    text_body: str,
    html_body: str | None = None,
    site_id: int | None = None,
    user_id: int | None = None,
    account_id: int | None = None,
    message_id: int | None = None,
    event_id: int | None = None,
) -> MailJob:
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    job = MailJob(
        kind=kind,
        to_address=to_address,
        subject=subject[:255],
        text_body=text_body,
        html_body=html_body,
        site_id=site_id,
        user_id=user_id,
        account_id=account_id,
        message_id=message_id,
        event_id=event_id,
        status="queued",
    )
    session.add(job)
    return job
