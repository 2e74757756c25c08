"""Password reset by e-mail: a one-time link (``account_links.py``, shared with invitations;
purpose ``password_reset``) mailed to the account's own address, at which its owner sets a new
password.

Only an active account gets a link; whether the submitted login or e-mail names one is never
told (``request_reset`` returns nothing, the router answers the same page either way and does
the work after the answer is sent). A link expires after ``REFDESK_PASSWORD_RESET_TTL`` seconds
(default one hour), works once, and a new request withdraws the older links; setting the
password withdraws every open link of the account (invitations too) and ends its browser
sessions (their generation derives from the password hash: ``auth/browser_session.py``).
Like an invitation, the mail goes to the address the account was created with, never to one
typed on a site profile.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts import account_links
from refdesk.server.accounts.invitation_mail import duration_words
from refdesk.server.accounts.service import find_by_login_or_email
from refdesk.server.events.mail_queue import enqueue_mail
from refdesk.server.events.render import render
from refdesk.server.runtime import Runtime

PATH = "/password-reset"  # the request form
NEW_PATH = "/password-reset/new"  # the link: choose the new password
PURPOSE: account_links.Purpose = "password_reset"


def reset_link(base_url: str, token: str) -> str:
    return account_links.link_url(base_url, NEW_PATH, token)


async def request_reset(session: AsyncSession, runtime: Runtime, base_url: str, name: str) -> None:
    """When ``name`` (a login or an e-mail address) names an active account: issue a reset link
    (older ones stop working) and queue the ``password_reset`` e-mail, in the caller's
    transaction. Otherwise nothing."""
    account = await find_by_login_or_email(session, name)
    if account is None or not account.active:
        return
    ttl = runtime.settings.password_reset_ttl
    token = await account_links.issue(session, runtime, account, PURPOSE, ttl)
    base = base_url.rstrip("/")
    mail = render(
        "password_reset",
        {
            "base_url": base,
            "first_name": account.first_name or account.login,
            "login": account.login,
            "email": account.email,
            "link": reset_link(base, token),
            "request_url": f"{base}{PATH}",
            "expires": duration_words(ttl),
        },
    )
    enqueue_mail(
        session,
        kind="password_reset",
        to_address=account.email,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        account_id=account.id,
    )


async def open_reset(
    session: AsyncSession, runtime: Runtime, token: str
) -> account_links.Found | None:
    """The reset link of ``token`` (its ``state``: open, used or expired), else None. A link of
    an account deactivated since counts as used."""
    found = await account_links.find(session, runtime, PURPOSE, token)
    if found is not None and found.state == "open" and not found.account.active:
        return account_links.Found(found.link, found.account, "used")
    return found


async def redeem(session: AsyncSession, link_id: int, account_id: int, digest: str) -> bool:
    """Use the link and set the new password hash (False: used, expired or deactivated)."""
    return await account_links.redeem(
        session, link_id, account_id, digest, only_without_password=False
    )
