"""OAuth 2.0 grants (contract §6.3) and revocation (§6.5): scopes, authorization codes with
PKCE, refresh-token rotation and reuse detection. Client authentication is ``clients.py``.

Failures are raised as :class:`OAuthError` with the RFC 6749 codes; ``api/errors.py`` renders
them (adding ``error_description`` on ``/oauth/*``). Secrets are compared as HMAC hashes only.
The requests arrive as typed inputs (``auth/schemas.py``) whose parameters are checked here,
in the order the answers have always been decided.

:func:`token` and :func:`revoke` run one request each in one transaction, their only
boundary. Reuse of a code or of a rotated refresh token revokes the whole grant *and then*
fails: that revocation must persist although the request fails, so it is raised as
:class:`_KeptFailure`, which ends the transaction normally (it commits) before the
``invalid_grant`` is raised.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime
from typing import Any, NoReturn, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.auth import token_changes
from refdesk.server.auth.clients import authenticate_client, client_credentials_of
from refdesk.server.auth.errors import (
    OAuthError,
    invalid_grant,
    invalid_request,
    invalid_scope,
)
from refdesk.server.auth.models import AccessToken, Application, AuthorizationCode, RefreshToken
from refdesk.server.auth.principal import SCOPE_ORDER, TOKEN_RE
from refdesk.server.auth.schemas import MALFORMED, RevokeInput, ScopeParam, TokenInput, text
from refdesk.server.auth.service import issue_tokens
from refdesk.server.db.base import utcnow
from refdesk.server.runtime import Runtime

GRANT_TYPES = ("client_credentials", "authorization_code", "refresh_token")
TOKEN_TYPE_HINTS = ("access_token", "refresh_token")
DEFAULT_SCOPES = frozenset({"read"})
VERIFIER_RE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
CHALLENGE_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def parse_scopes(
    value: ScopeParam, allowed: str | frozenset[str], default: frozenset[str] = DEFAULT_SCOPES
) -> frozenset[str]:
    """``scope`` as a space-separated string or a JSON array of strings (§6.3); absent or
    empty gives ``default``. Unknown values, or values outside ``allowed``, are invalid_scope."""
    items: list[str]
    if value is None:
        items = []
    elif isinstance(value, str):
        items = value.split()
    elif value is MALFORMED:
        raise invalid_request("The scope parameter is malformed")
    else:
        items = [part for item in value for part in item.split()]
    scopes = frozenset(items) if items else default
    unknown = [s for s in dict.fromkeys(items) if s not in SCOPE_ORDER]
    if unknown:
        raise invalid_scope(f"Unknown scope: {' '.join(unknown)}")
    permitted = frozenset(allowed.split()) if isinstance(allowed, str) else allowed
    refused = [s for s in SCOPE_ORDER if s in scopes and s not in permitted]
    if refused:
        raise invalid_scope(f"The scope {' '.join(refused)} may not be requested here")
    return scopes


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def _account_active(session: AsyncSession, account_id: int) -> bool:
    active = (
        await session.execute(select(Account.active).where(Account.id == account_id))
    ).scalar_one_or_none()
    return bool(active)


async def revoke_code_family(
    session: AsyncSession, grant: AuthorizationCode, now: datetime
) -> None:
    """Revoke every access and refresh token descended from an authorization code."""
    code_id = grant.id
    token_changes.grant(session, grant.account_id, grant.application_id)
    for model in (AccessToken, RefreshToken):
        await session.execute(
            update(model)
            .where(model.authorization_code_id == code_id, model.revoked_at.is_(None))
            .values(revoked_at=now)
        )


async def revoke_family(session: AsyncSession, family: str, now: datetime) -> None:
    """Revoke every refresh token of a family and every access token issued with one."""
    members = select(RefreshToken.id).where(RefreshToken.family == family)
    await session.execute(
        update(AccessToken)
        .where(AccessToken.refresh_token_id.in_(members), AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def still_granted(granted: str, application: Application) -> frozenset[str]:
    """The part of a grant the application may still hold: its scopes may have been cut since
    (the bearer lookup applies the same intersection to tokens already issued)."""
    return frozenset(granted.split()) & frozenset(application.scopes.split())


async def _rowcount(session: AsyncSession, statement: Any) -> int:
    result = cast(CursorResult[Any], await session.execute(statement))
    return int(result.rowcount)


class _KeptFailure(Exception):
    """A failed request whose writes (the revocation of a reused grant) are committed before
    its ``error`` is raised."""

    def __init__(self, error: OAuthError) -> None:
        super().__init__(error.message)
        self.error = error


async def token(runtime: Runtime, data: TokenInput) -> dict[str, Any]:
    """``POST /oauth/token`` in its own transaction; the token response body."""
    async with runtime.db.transaction() as session:
        try:
            return await token_request(session, runtime, data)
        except _KeptFailure as kept:
            failure = kept.error
    raise failure


async def revoke(runtime: Runtime, data: RevokeInput) -> None:
    """``POST /oauth/revoke`` in its own transaction."""
    async with runtime.db.transaction() as session:
        await revoke_request(session, runtime, data)


async def token_request(
    session: AsyncSession, runtime: Runtime, data: TokenInput
) -> dict[str, Any]:
    """Run one ``POST /oauth/token`` and return the token response body."""
    credentials = client_credentials_of(data.client)
    grant_type = text(data.grant_type, "grant_type")
    if grant_type is None:
        raise invalid_request("The grant_type parameter is required")
    if grant_type not in GRANT_TYPES:
        raise OAuthError("unsupported_grant_type", f"The grant type {grant_type} is not supported")
    application = await authenticate_client(session, runtime.hasher, credentials)
    if grant_type == "client_credentials":
        return await _client_credentials(session, runtime, application, data)
    if grant_type == "authorization_code":
        return await _authorization_code(session, runtime, application, data)
    return await _refresh_token(session, runtime, application, data)


async def _client_credentials(
    session: AsyncSession, runtime: Runtime, application: Application, data: TokenInput
) -> dict[str, Any]:
    if not application.confidential:
        raise OAuthError(
            "unauthorized_client", "Public clients may not use the client_credentials grant"
        )
    scopes = parse_scopes(data.scope, application.scopes)
    return await issue_tokens(session, runtime, application, application.account_id, scopes)


async def _authorization_code(
    session: AsyncSession, runtime: Runtime, application: Application, data: TokenInput
) -> dict[str, Any]:
    code = text(data.code, "code")
    if code is None:
        raise invalid_request("The code parameter is required")
    redirect_uri = text(data.redirect_uri, "redirect_uri")
    verifier = text(data.code_verifier, "code_verifier")
    now = utcnow()
    grant = (
        await session.execute(
            select(AuthorizationCode).where(
                AuthorizationCode.code_hash == runtime.hasher.hash(code)
            )
        )
    ).scalar_one_or_none()
    if grant is None or grant.application_id != application.id:
        raise invalid_grant("The authorization code is invalid")
    if grant.used_at is not None:
        await revoke_code_family(session, grant, now)
        raise _KeptFailure(invalid_grant("The authorization code has already been used"))
    if grant.expires_at <= now:
        raise invalid_grant("The authorization code has expired")
    if grant.redirect_uri is not None:
        if redirect_uri is None:
            raise invalid_request("The redirect_uri parameter is required")
        if redirect_uri != grant.redirect_uri:
            raise invalid_grant("The redirect_uri does not match the authorization request")
    elif redirect_uri is not None and redirect_uri not in application.redirect_uris:
        raise invalid_grant("The redirect_uri does not match the authorization request")
    if grant.code_challenge is not None:
        if verifier is None:
            raise invalid_request("The code_verifier parameter is required")
        if not VERIFIER_RE.match(verifier):
            raise invalid_request("The code_verifier parameter is malformed")
        if not hmac.compare_digest(s256(verifier), grant.code_challenge):
            raise invalid_grant("The code_verifier does not match the code_challenge")
    elif verifier is not None:
        raise invalid_grant("No code_challenge was sent with the authorization request")
    if not await _account_active(session, grant.account_id):
        raise invalid_grant("The account that approved the authorization is deactivated")
    scopes = still_granted(grant.scopes, application)
    if not scopes:
        raise invalid_grant("The application may no longer be granted the authorized scope")
    used = await _rowcount(
        session,
        update(AuthorizationCode)
        .where(AuthorizationCode.id == grant.id, AuthorizationCode.used_at.is_(None))
        .values(used_at=now),
    )
    if used != 1:  # a concurrent request redeemed it first
        await revoke_code_family(session, grant, now)
        raise _KeptFailure(invalid_grant("The authorization code has already been used"))
    return await issue_tokens(
        session,
        runtime,
        application,
        grant.account_id,
        scopes,
        with_refresh=True,
        authorization_code_id=grant.id,
    )


async def _refresh_token(
    session: AsyncSession, runtime: Runtime, application: Application, data: TokenInput
) -> dict[str, Any]:
    token = text(data.refresh_token, "refresh_token")
    if token is None:
        raise invalid_request("The refresh_token parameter is required")
    now = utcnow()
    refresh = None
    if TOKEN_RE.match(token):
        refresh = (
            await session.execute(
                select(RefreshToken).where(RefreshToken.token_hash == runtime.hasher.hash(token))
            )
        ).scalar_one_or_none()
    if refresh is None or refresh.application_id != application.id:
        raise invalid_grant("The refresh token is invalid, expired or revoked")
    if refresh.revoked_at is not None:
        # Presented again after rotation (or revocation): it may be in two hands, and the
        # server cannot tell whose; end the whole grant (RFC 9700 §4.14.2).
        await _revoke_reused(session, refresh, now)
    if refresh.expires_at <= now:
        raise invalid_grant("The refresh token is invalid, expired or revoked")
    original = frozenset(refresh.scopes.split())
    allowed = still_granted(refresh.scopes, application)
    if not allowed:
        raise invalid_grant("The application may no longer be granted any scope of this token")
    scopes = parse_scopes(data.scope, allowed, default=allowed)
    if not await _account_active(session, refresh.account_id):
        raise invalid_grant("The account that approved the authorization is deactivated")
    rotated = await _rowcount(
        session,
        update(RefreshToken)
        .where(RefreshToken.id == refresh.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now),
    )
    if rotated != 1:  # a concurrent request rotated it first: a reuse too
        await _revoke_reused(session, refresh, now)
    return await issue_tokens(
        session,
        runtime,
        application,
        refresh.account_id,
        scopes,
        with_refresh=True,
        authorization_code_id=refresh.authorization_code_id,
        refresh_scopes=original,
        family=refresh.family,
    )


async def _revoke_reused(session: AsyncSession, refresh: RefreshToken, now: datetime) -> NoReturn:
    token_changes.grant(session, refresh.account_id, refresh.application_id)
    await revoke_family(session, refresh.family, now)
    raise _KeptFailure(invalid_grant("The refresh token is invalid, expired or revoked"))


async def revoke_request(session: AsyncSession, runtime: Runtime, data: RevokeInput) -> None:
    """Run one ``POST /oauth/revoke`` (RFC 7009)."""
    credentials = client_credentials_of(data.client)
    application = await authenticate_client(session, runtime.hasher, credentials)
    token = text(data.token, "token")
    if token is None:
        raise invalid_request("The token parameter is required")
    hint = text(data.token_type_hint, "token_type_hint")
    if hint is not None and hint not in TOKEN_TYPE_HINTS:
        raise OAuthError("unsupported_token_type", f"The token type {hint} is not supported")
    if not TOKEN_RE.match(token):
        return
    digest = runtime.hasher.hash(token)
    now = utcnow()
    access = (
        await session.execute(select(AccessToken).where(AccessToken.token_hash == digest))
    ).scalar_one_or_none()
    refresh = (
        await session.execute(select(RefreshToken).where(RefreshToken.token_hash == digest))
    ).scalar_one_or_none()
    record: AccessToken | RefreshToken | None = (
        (refresh or access) if hint == "refresh_token" else (access or refresh)
    )
    if record is None or record.revoked_at is not None or record.expires_at <= now:
        return
    if record.application_id != application.id:
        raise OAuthError(
            "unauthorized_client", "The token was issued to another application", status=403
        )
    record.revoked_at = now
    if isinstance(record, AccessToken):
        token_changes.token(session, record.id)
    else:
        token_changes.grant(session, record.account_id, record.application_id)
    if isinstance(record, RefreshToken):
        # Every access token of the same grant goes too, including those issued before the
        # token's last rotation (RFC 7009 §2.1).
        await revoke_family(session, record.family, now)
