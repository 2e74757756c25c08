"""Invitations: the only way, besides an operator, for an account to get a password.

A site admin who creates a user never chooses the password of its account (other sites may
later share that account). The account starts without one; the person sets it from a one-time
link (``/invitations?token=...``). The link itself (a CSPRNG token stored only as an HMAC, one
use, an expiry, a new one withdraws the older ones) is ``account_links.py``, shared with
password resets; an invitation expires after ``REFDESK_INVITATION_TTL`` seconds and is only for
an active account that has no password yet.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts import account_links
from refdesk.server.accounts.models import Account, Invitation
from refdesk.server.runtime import Runtime

PATH = "/invitations"


class InvitationRefused(Exception):
    """The account cannot be invited (it has a password, or is deactivated)."""


def invitation_link(base_url: str, token: str) -> str:
    return account_links.link_url(base_url, PATH, token)


async def issue(session: AsyncSession, runtime: Runtime, account: Account) -> str:
    """A new invitation for ``account`` (older open ones are withdrawn); returns the token."""
    if account.password_hash is not None:
        raise InvitationRefused(f"account {account.login!r} already has a password")
    if not account.active:
        raise InvitationRefused(f"account {account.login!r} is deactivated")
    return await account_links.issue(
        session, runtime, account, "invitation", runtime.settings.invitation_ttl
    )


async def find_invitation(
    session: AsyncSession, runtime: Runtime, token: str
) -> account_links.Found | None:
    """The invitation of ``token`` and its state (``open``; ``used``: used, replaced by a
    newer one, or its account has a password or was deactivated since; ``expired``), else
    None (unknown or altered)."""
    found = await account_links.find(session, runtime, "invitation", token)
    if found is None or found.state != "open":
        return found
    if found.account.password_hash is not None or not found.account.active:
        return account_links.Found(found.link, found.account, "used")
    return found


async def open_invitation(
    session: AsyncSession, runtime: Runtime, token: str
) -> tuple[Invitation, Account] | None:
    """The unused, unexpired invitation of ``token`` and its account (still without a
    password), else None."""
    found = await find_invitation(session, runtime, token)
    if found is None or found.state != "open":
        return None
    return found.link, found.account


async def redeem(session: AsyncSession, invitation_id: int, account_id: int, digest: str) -> bool:
    """Use the invitation and set the account's password hash, in the caller's transaction.
    The conditional UPDATEs make a second use (even a concurrent one) fail: False."""
    return await account_links.redeem(
        session, invitation_id, account_id, digest, only_without_password=True
    )
