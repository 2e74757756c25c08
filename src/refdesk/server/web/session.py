"""Who is signed in to the web app, and the Principal the pages act as (one place).

The cookie itself is the shared browser session of ``auth/browser_session.py`` (the OAuth
login page uses the same one). Here it becomes a :class:`SignedIn`: the active account, its
decoded session and a Principal with the scopes ``read write``, so that pages call the same
services with the same typed inputs as the API routers.

CSRF tokens: a signed-in form carries the HMAC of the session's nonce (a new nonce on every
sign-in); the sign-in form, shown to visitors, carries the HMAC of a random nonce kept in the
``refdesk_csrf`` cookie (Path=/).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.auth import browser_session
from refdesk.server.auth.browser_session import BrowserSession
from refdesk.server.auth.principal import Principal
from refdesk.server.auth.secrets import SecretHasher

WEB_SCOPES = frozenset({"read", "write"})
COOKIE = browser_session.COOKIE
VISITOR_CSRF_COOKIE = "refdesk_csrf"


@dataclass(frozen=True)
class SignedIn:
    account: Account
    browser: BrowserSession
    principal: Principal


def principal_for(account: Account, browser: BrowserSession) -> Principal:
    """The signed-in person as a Principal: their account, scopes ``read write``, no token."""
    return Principal(
        account_id=account.id,
        operator=bool(account.operator),
        scopes=WEB_SCOPES,
        token_id=0,
        application_id=0,
        expires_at=datetime.fromtimestamp(browser.expires, UTC),
    )


async def signed_in(
    session: AsyncSession, hasher: SecretHasher, cookie: str | None
) -> SignedIn | None:
    """The person of a session cookie: None for a visitor, a forged, expired or ended session."""
    browser = browser_session.decode(hasher, cookie)
    account = await browser_session.signed_in_account(session, hasher, browser)
    if account is None or browser is None:
        return None
    return SignedIn(account, browser, principal_for(account, browser))


def new_visitor_nonce() -> str:
    return secrets.token_urlsafe(24)


def session_csrf(hasher: SecretHasher, browser: BrowserSession) -> str:
    return hasher.hash(f"web-csrf:{browser.nonce}")


def visitor_csrf(hasher: SecretHasher, nonce: str) -> str:
    return hasher.hash(f"web-visitor-csrf:{nonce}")


def session_csrf_valid(hasher: SecretHasher, browser: BrowserSession, token: object) -> bool:
    return isinstance(token, str) and hasher.verify(f"web-csrf:{browser.nonce}", token)


def visitor_csrf_valid(hasher: SecretHasher, nonce: str | None, token: object) -> bool:
    return (
        bool(nonce) and isinstance(token, str) and hasher.verify(f"web-visitor-csrf:{nonce}", token)
    )
