"""Invitations: the only way, besides an operator, for an account to get a password.

A site admin who creates a user never chooses the password of its account (other sites may
later share that account). The account starts without one; the person sets it from a one-time
link (``/invitations?token=...``). The token is 64 hex characters from a CSPRNG; only its HMAC is
stored. A link expires after ``REFDESK_INVITATION_TTL`` seconds, works once, and issuing a new
one (``refdesk admin invite``) withdraws the older ones.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account, Invitation
from refdesk.server.auth.secrets import new_token
from refdesk.server.db.base import utcnow
from refdesk.server.runtime import Runtime

PATH = "/invitations"


class InvitationRefused(Exception):
    """The account cannot be invited (it has a password, or is deactivated)."""


def invitation_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{PATH}?{urlencode({'token': token})}"


async def _withdraw(session: AsyncSession, account_id: int) -> None:
    await session.execute(
        update(Invitation)
        .where(Invitation.account_id == account_id, Invitation.used_at.is_(None))
        .values(used_at=utcnow())
    )


async def issue(session: AsyncSession, runtime: Runtime, account: Account) -> str:
    """A new invitation for ``account`` (older open ones are withdrawn); returns the token."""
    if account.password_hash is not None:
        raise InvitationRefused(f"account {account.login!r} already has a password")
    if not account.active:
        raise InvitationRefused(f"account {account.login!r} is deactivated")
    await _withdraw(session, account.id)
    token = new_token()
    session.add(
        Invitation(
            account_id=account.id,
            token_hash=runtime.hasher.hash(f"invitation:{token}"),
            expires_at=utcnow() + timedelta(seconds=runtime.settings.invitation_ttl),
        )
    )
    await session.flush()
    return token


async def open_invitation(
    session: AsyncSession, runtime: Runtime, token: str
) -> tuple[Invitation, Account] | None:
    """The unused, unexpired invitation of ``token`` and its account (still without a
    password), else None."""
    if len(token) != 64:
        return None
    row = (
        await session.execute(
            select(Invitation, Account)
            .join(Account, Account.id == Invitation.account_id)
            .where(Invitation.token_hash == runtime.hasher.hash(f"invitation:{token}"))
        )
    ).first()
    if row is None:
        return None
    invitation, account = row
    if invitation.used_at is not None or invitation.expires_at <= utcnow():
        return None
    if account.password_hash is not None:
        return None
    return invitation, account


async def redeem(session: AsyncSession, invitation_id: int, account_id: int, digest: str) -> bool:
    """Use the invitation and set the account's password hash, in the caller's transaction.
    The conditional UPDATEs make a second use (even a concurrent one) fail: False."""
    now = utcnow()
    used = await session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.used_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        return False
    updated = await session.execute(
        update(Account)
        .where(Account.id == account_id, Account.password_hash.is_(None))
        .values(password_hash=digest, updated=now)
    )
    if updated.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await _withdraw(session, account_id)
    return True
