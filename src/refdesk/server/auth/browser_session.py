"""The browser session shared by the web app (``/``) and the OAuth login (``/oauth/authorize``).

One signed cookie, ``refdesk_session`` (HttpOnly, Secure on HTTPS, SameSite=Lax, Path=/),
holds ``account id . expiry . generation . site id . nonce`` and an HMAC-SHA256 of them keyed
with the server pepper (``runtime.hasher``). Nothing is stored on the server.

How a session ends:

* its expiry (:data:`TTL`, 12 hours after sign-in) passes;
* the person signs out (the cookie is deleted from that browser);
* the account's password changes: the *generation* is an HMAC of the account's stored
  password hash, and every new hash (argon2 salts each one) gives a new generation, so every
  cookie signed before no longer matches;
* the account is deactivated: every request loads the account and refuses an inactive one.

Limits of a stateless cookie (documented in the README): a copy of a cookie taken before
sign-out stays valid until it expires or the password changes, and reactivating an account
within 12 hours of its deactivation revives its unexpired sessions.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.auth.secrets import SecretHasher

COOKIE = "refdesk_session"
TTL = 12 * 3600
_VERSION = "s1"


@dataclass(frozen=True)
class BrowserSession:
    """A decoded, correctly signed and unexpired cookie (not yet checked against the account)."""

    account_id: int
    expires: int
    generation: str
    site_id: int | None
    nonce: str

    def payload(self) -> str:
        site = self.site_id or 0
        return f"{_VERSION}.{self.account_id}.{self.expires}.{self.generation}.{site}.{self.nonce}"

    def with_site(self, site_id: int) -> BrowserSession:
        return replace(self, site_id=site_id)


def generation_of(hasher: SecretHasher, account: Account) -> str:
    """Changes whenever the account's password hash does (see the module docstring)."""
    return hasher.hash(f"session-generation:{account.id}:{account.password_hash or ''}")[:20]


def new_nonce() -> str:
    # token_hex: no "." in it (the payload's separator)
    return secrets.token_hex(16)


def start(hasher: SecretHasher, account: Account, site_id: int | None = None) -> BrowserSession:
    """A new session for ``account`` (a fresh nonce: a new CSRF token after every sign-in)."""
    expires = int(time.time()) + TTL
    return BrowserSession(account.id, expires, generation_of(hasher, account), site_id, new_nonce())


def _signature(hasher: SecretHasher, payload: str) -> str:
    return hasher.hash(f"browser-session:{payload}")


def encode(hasher: SecretHasher, session: BrowserSession) -> str:
    payload = session.payload()
    return f"{payload}.{_signature(hasher, payload)}"


def decode(hasher: SecretHasher, value: str | None) -> BrowserSession | None:
    """The session of a cookie value; None when absent, malformed, forged or expired."""
    if not value or len(value) > 400:
        return None
    payload, _, signature = value.rpartition(".")
    if not payload or not hasher.verify(f"browser-session:{payload}", signature):
        return None
    parts = payload.split(".")
    if len(parts) != 6 or parts[0] != _VERSION:
        return None
    _, account, expires, generation, site, nonce = parts
    if not (account.isdigit() and expires.isdigit() and site.isdigit()):
        return None
    if int(expires) <= time.time():
        return None
    return BrowserSession(int(account), int(expires), generation, int(site) or None, nonce)


async def signed_in_account(
    session: AsyncSession, hasher: SecretHasher, browser: BrowserSession | None
) -> Account | None:
    """The active account a session names, if its password has not changed since."""
    if browser is None:
        return None
    account = await session.get(Account, browser.account_id)
    if account is None or not account.active:
        return None
    if not secrets.compare_digest(generation_of(hasher, account), browser.generation):
        return None
    return account
