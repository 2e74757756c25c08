"""The authorization endpoint (contract §6.4): parameter validation, the browser session and
CSRF token, and issuing authorization codes.

Browser state lives in two cookies: a random CSRF nonce scoped to ``/oauth`` (forms carry the
HMAC of it) and, after a successful login, the browser session shared with the web app
(``auth/browser_session.py``, Path=/): signing in here signs in the web app, and a person
signed in to the web app sees the consent page directly.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.accounts.service import find_by_login_or_email
from refdesk.server.auth import browser_session
from refdesk.server.auth.browser_session import BrowserSession
from refdesk.server.auth.errors import OAuthError, invalid_request
from refdesk.server.auth.models import Application, AuthorizationCode
from refdesk.server.auth.oauth import CHALLENGE_RE, parse_scopes
from refdesk.server.auth.principal import SCOPE_ORDER
from refdesk.server.auth.schemas import AuthorizeForm, AuthorizeInput
from refdesk.server.auth.secrets import SecretHasher, new_token
from refdesk.server.auth.throttle import login_throttle
from refdesk.server.db.base import utcnow
from refdesk.server.runtime import Runtime

OOB = "urn:ietf:wg:oauth:2.0:oob"
CSRF_COOKIE = "refdesk_oauth_csrf"
COOKIE_PATH = "/oauth"


class RedirectedError(Exception):
    """An authorization error reported to the client through its redirect URI (§6.4 step 2)."""

    def __init__(self, code: str, message: str, request: AuthorizeRequest) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request = request


@dataclass(frozen=True)
class AuthorizeRequest:
    application: Application
    redirect_uri: str
    redirect_uri_sent: bool
    state: str | None
    params: dict[str, str]
    scopes: frozenset[str] = frozenset()
    code_challenge: str | None = None

    @property
    def oob(self) -> bool:
        return self.redirect_uri == OOB

    def redirect_to(self, values: dict[str, str]) -> str:
        query = dict(values)
        if self.state is not None:
            query["state"] = self.state
        separator = "&" if "?" in self.redirect_uri else "?"
        return f"{self.redirect_uri}{separator}{urlencode(query)}"


def _json_error(code: str, message: str) -> OAuthError:
    return OAuthError(code, message)


async def validate(session: AsyncSession, data: AuthorizeInput) -> AuthorizeRequest:
    """Check the authorization request. Client and redirect URI problems raise OAuthError
    (JSON 400, not redirected); the rest raise :class:`RedirectedError`."""
    client_id = data.client_id
    if not client_id:
        raise _json_error("invalid_request", "The client_id parameter is required")
    row = (
        await session.execute(
            select(Application, Account.active)
            .join(Account, Account.id == Application.account_id)
            .where(Application.client_id == client_id)
        )
    ).first()
    if row is None or not row[1]:
        raise _json_error("invalid_client", "The client_id names no application")
    application: Application = row[0]
    registered = list(application.redirect_uris or [])
    sent = data.redirect_uri
    if sent is not None:
        if sent not in registered:
            raise _json_error("invalid_request", "The redirect_uri is not registered")
        redirect_uri = sent
    elif len(registered) == 1:
        redirect_uri = registered[0]
    else:
        raise _json_error(
            "invalid_request",
            "The redirect_uri parameter is required"
            if registered
            else "The application has no registered redirect URI",
        )
    state = data.state
    params = dict(data.forwarded)
    request = AuthorizeRequest(application, redirect_uri, sent is not None, state or None, params)

    def fail(code: str, message: str) -> RedirectedError:
        return RedirectedError(code, message, request)

    response_type = data.response_type
    if not response_type:
        raise fail("invalid_request", "The response_type parameter is required")
    if response_type != "code":
        raise fail("unsupported_response_type", "Only the response_type code is supported")
    try:
        scopes = parse_scopes(data.scope, application.scopes)
    except OAuthError as exc:
        raise fail(exc.code, exc.message) from exc
    challenge = data.code_challenge
    method = data.code_challenge_method
    if challenge is None:
        if method is not None:
            raise fail("invalid_request", "code_challenge_method was sent without code_challenge")
        if not application.confidential:
            raise fail("invalid_request", "Public clients must send a code_challenge (PKCE)")
    else:
        if method != "S256":
            raise fail("invalid_request", "The code_challenge_method must be S256")
        if not CHALLENGE_RE.match(challenge):
            raise fail("invalid_request", "The code_challenge is malformed")
    return AuthorizeRequest(
        application, redirect_uri, sent is not None, state or None, params, scopes, challenge
    )


# -- browser session and CSRF ------------------------------------------------------------


def csrf_token(hasher: SecretHasher, nonce: str) -> str:
    return hasher.hash(f"oauth-csrf:{nonce}")


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def csrf_valid(hasher: SecretHasher, nonce: str | None, token: str | None) -> bool:
    return bool(nonce) and isinstance(token, str) and hasher.verify(f"oauth-csrf:{nonce}", token)


async def active_account(
    session: AsyncSession, hasher: SecretHasher, browser: BrowserSession | None
) -> Account | None:
    """The signed-in account of the shared browser session (active, password unchanged)."""
    return await browser_session.signed_in_account(session, hasher, browser)


async def check_login(runtime: Runtime, login: str | None, password: str | None) -> Account | None:
    """The active account whose login (or e-mail) and password match, else None.

    The attempt is first counted by the per-login throttle (429 once exhausted, before any
    argon2). Then argon2 runs exactly once whatever the outcome: an unknown login, an account
    without a password (never set by its owner) or a deactivated one is checked against a dummy
    hash, so neither the answer nor its timing tells which logins exist. The lookup's session
    is closed before argon2 works (no pooled connection is held for it).
    """
    if not login or not password:
        return None
    await login_throttle(runtime).admit(login)
    async with runtime.db.session() as session:
        account = await find_by_login_or_email(session, login)
    digest = account.password_hash if account is not None else None
    ok = await to_thread.run_sync(runtime.passwords.verify, password, digest)
    return account if ok and account is not None and account.active else None


async def issue_code(
    session: AsyncSession, runtime: Runtime, request: AuthorizeRequest, account_id: int
) -> str:
    """Store a new single-use code (hashed) and return it: 64 lowercase hex."""
    code = new_token()
    session.add(
        AuthorizationCode(
            code_hash=runtime.hasher.hash(code),
            application_id=request.application.id,
            account_id=account_id,
            redirect_uri=request.redirect_uri if request.redirect_uri_sent else None,
            scopes=" ".join(s for s in SCOPE_ORDER if s in request.scopes),
            code_challenge=request.code_challenge,
            expires_at=utcnow() + timedelta(seconds=runtime.settings.authorization_code_ttl),
            created=utcnow(),
        )
    )
    await session.flush()
    return code


# -- the endpoint's steps ----------------------------------------------------------------

DENIED = "The resource owner denied the request"
BAD_LOGIN = "The login or password is incorrect"


@dataclass(frozen=True)
class Step:
    """What the authorization endpoint shows next: the login page (``account`` is None, with
    ``login_error`` and the ``login`` to fill in again), the consent page, the denial sent
    back to the client (``denied``) or the issued ``code``. ``signed_in``: the account has
    just signed in (the endpoint sets the session cookie)."""

    request: AuthorizeRequest
    account: Account | None = None
    login_error: str | None = None
    login: str = ""
    signed_in: bool = False
    denied: bool = False
    code: str | None = None


def _require_csrf(csrf_ok: bool) -> None:
    if not csrf_ok:
        raise invalid_request("The CSRF token is missing or invalid; reload the page")


async def start(
    session: AsyncSession,
    hasher: SecretHasher,
    data: AuthorizeInput,
    browser: BrowserSession | None,
) -> Step:
    """``GET /oauth/authorize``: validate the request, then the login or the consent page."""
    request = await validate(session, data)
    return Step(request, await active_account(session, hasher, browser))


async def sign_in(runtime: Runtime, form: AuthorizeForm, csrf_ok: bool) -> Step:
    """The login form. It writes nothing, so it runs without a transaction: no write lock
    (SQLite's BEGIN IMMEDIATE) and no pooled connection is held while argon2 works."""
    async with runtime.db.session() as session:
        request = await validate(session, form.request)
        _require_csrf(csrf_ok)
    account = await check_login(runtime, form.login, form.password)
    if account is None:
        return Step(request, login_error=BAD_LOGIN, login=form.login or "")
    return Step(request, account, signed_in=True)


async def decide(
    session: AsyncSession,
    runtime: Runtime,
    form: AuthorizeForm,
    csrf_ok: bool,
    browser: BrowserSession | None,
) -> Step:
    """The consent form (in the caller's transaction): approve issues a code, deny sends
    ``access_denied`` back (a JSON 403 for the out-of-band redirect URI)."""
    request = await validate(session, form.request)
    _require_csrf(csrf_ok)
    account = await active_account(session, runtime.hasher, browser)
    if account is None or form.decision is None:
        return Step(request, account)
    if form.decision == "deny":
        if request.oob:
            raise OAuthError("access_denied", DENIED, status=403)
        return Step(request, account, denied=True)
    if form.decision != "approve":
        raise RedirectedError("invalid_request", "The decision must be approve or deny", request)
    return Step(request, account, code=await issue_code(session, runtime, request, account.id))
