"""Invitations by e-mail: issue a one-time set-password link (``invitations.issue``) and queue
the ``invitation`` e-mail that carries it, in the caller's transaction (no commit, no mail).

The mail goes to the **account's** e-mail address, the one it was created with, never to an
address a site admin typed later: otherwise the admin of one site could point a user profile
at their own mailbox and set the password of an account that other sites share.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts import invitations
from refdesk.server.accounts.models import Account
from refdesk.server.events.mail_queue import enqueue_mail
from refdesk.server.events.render import render
from refdesk.server.runtime import Runtime


@dataclass(frozen=True)
class Invites:
    """What sending an invitation needs from its caller: the runtime (token hasher,
    ``invitation_ttl``) and the public base URL the link starts with."""

    runtime: Runtime
    base_url: str


@dataclass(frozen=True)
class Sender:
    """Who invites, shown in the e-mail: the site, and the admin's name when known."""

    site_id: int | None = None
    site_name: str | None = None
    inviter_name: str | None = None


def duration_words(seconds: int) -> str:
    """``604800`` → ``7 days``; ``7200`` → ``2 hours``; ``90`` → ``1 minute``."""
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


async def mail_invitation(
    session: AsyncSession,
    invites: Invites,
    account: Account,
    sender: Sender | None = None,
    *,
    user_id: int | None = None,
) -> str:
    """Issue a new invitation for ``account`` (its older links stop working) and queue the
    e-mail; return the link. Raises ``invitations.InvitationRefused`` for an account that has
    a password or is deactivated."""
    sender = sender or Sender()
    token = await invitations.issue(session, invites.runtime, account)
    link = invitations.invitation_link(invites.base_url, token)
    mail = render(
        "invitation",
        {
            "site_name": sender.site_name,
            "inviter_name": sender.inviter_name,
            "base_url": invites.base_url.rstrip("/"),
            "first_name": account.first_name or account.login,
            "login": account.login,
            "email": account.email,
            "link": link,
            "expires": duration_words(invites.runtime.settings.invitation_ttl),
        },
    )
    enqueue_mail(
        session,
        kind="invitation",
        to_address=account.email,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        site_id=sender.site_id,
        user_id=user_id,
        account_id=account.id,
    )
    return link
