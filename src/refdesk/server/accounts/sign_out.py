"""The hook that ends an account's sessions when its password changes.

Called in the transaction that sets a new password from a password-reset link (and when the
demo seed gives a demo account a new password). Today there is nothing to end: the only
browser state is the 1-hour ``/oauth/authorize`` cookie, which lets its holder approve an
application but not use the API, and OAuth tokens belong to applications, not to a password.
The web app's sessions (issue 12, ``server/web/``) end here: delete or revoke the account's
session rows in ``session`` (the caller's transaction), except the one that made the change if
it has one to keep.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


async def password_changed(session: AsyncSession, account_id: int) -> None:
    """End every session of ``account_id`` (none exist yet; see the module docstring)."""
    del session, account_id
