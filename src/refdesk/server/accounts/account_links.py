"""One-time account links: what an invitation and a password reset have in common.

Both are a link that lets the owner of an account set its password: 64 hex characters from a
CSPRNG, stored only as the HMAC of ``<purpose>:<token>`` (a token of one purpose never opens a
link of the other), expiring, good for one use; issuing a new link of a purpose withdraws the
account's older open ones of that purpose, and setting the password withdraws every open link
of the account. The rows live in ``account_invitations`` (``purpose`` column). The rules that
differ (an invitation only for an account without a password) stay in ``invitations.py`` and
``password_resets.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account, Invitation
from refdesk.server.auth.passwords import password_errors
from refdesk.server.auth.secrets import new_token
from refdesk.server.db.base import utcnow
from refdesk.server.runtime import Runtime

TOKEN = re.compile(r"^[0-9a-f]{64}$")
Purpose = Literal["invitation", "password_reset"]
State = Literal["open", "used", "expired"]


def link_url(base_url: str, path: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{path}?{urlencode({'token': token})}"


def _digest(runtime: Runtime, purpose: Purpose, token: str) -> str:
    return runtime.hasher.hash(f"{purpose}:{token}")


async def withdraw(session: AsyncSession, account_id: int, purpose: Purpose | None = None) -> None:
    """Mark the account's open links (of ``purpose``; None: all) used."""
    where = [Invitation.account_id == account_id, Invitation.used_at.is_(None)]
    if purpose is not None:
        where.append(Invitation.purpose == purpose)
    await session.execute(update(Invitation).where(*where).values(used_at=utcnow()))


async def issue(
    session: AsyncSession, runtime: Runtime, account: Account, purpose: Purpose, ttl: int
) -> str:
    """A new link of ``purpose`` for ``account`` valid ``ttl`` seconds (older open ones of
    that purpose are withdrawn); returns the token. The caller checks who may have one."""
    await withdraw(session, account.id, purpose)
    token = new_token()
    session.add(
        Invitation(
            purpose=purpose,
            account_id=account.id,
            token_hash=_digest(runtime, purpose, token),
            expires_at=utcnow() + timedelta(seconds=ttl),
        )
    )
    await session.flush()
    return token


@dataclass(frozen=True)
class Found:
    """The link of a token, its account, and whether it can still be used."""

    link: Invitation
    account: Account
    state: State


async def find(
    session: AsyncSession, runtime: Runtime, purpose: Purpose, token: str
) -> Found | None:
    """The link of ``token`` (any state) and its account, else None (unknown or altered)."""
    if len(token) != 64:
        return None
    row = (
        await session.execute(
            select(Invitation, Account)
            .join(Account, Account.id == Invitation.account_id)
            .where(
                Invitation.token_hash == _digest(runtime, purpose, token),
                Invitation.purpose == purpose,
            )
        )
    ).first()
    if row is None:
        return None
    link, account = row
    if link.used_at is not None:
        state: State = "used"
    elif link.expires_at <= utcnow():
        state = "expired"
    else:
        state = "open"
    return Found(link, account, state)


async def redeem(
    session: AsyncSession,
    link_id: int,
    account_id: int,
    digest: str,
    *,
    only_without_password: bool,
) -> bool:
    """Use the link and set the account's password hash, in the caller's transaction; every
    other open link of the account is withdrawn, and every browser session of the account ends
    with the old hash (a session's generation is derived from it: ``auth/browser_session.py``).
    The conditional UPDATEs make a second use (even a
    concurrent one), an expired link or a deactivated account fail: False."""
    now = utcnow()
    used = await session.execute(
        update(Invitation)
        .where(Invitation.id == link_id, Invitation.used_at.is_(None), Invitation.expires_at > now)
        .values(used_at=now)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        return False
    where: list[Any] = [Account.id == account_id, Account.active.is_(True)]
    if only_without_password:
        where.append(Account.password_hash.is_(None))
    updated = await session.execute(
        update(Account).where(*where).values(password_hash=digest, updated=now)
    )
    if updated.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await withdraw(session, account_id)
    return True


def new_password_error(data: dict[str, Any]) -> str | None:
    """What is wrong with the set-password form (``password``, ``password_confirmation``)."""
    password = data.get("password")
    problems = password_errors(password)
    if problems:
        return f"The password {problems[0]}."
    if data.get("password_confirmation") != password:
        return "The two passwords differ."
    return None
