"""Applications and token issuance, shared by the OAuth endpoints, the CLI and the demo seed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth.models import AccessToken, Application, RefreshToken
from refdesk.server.auth.principal import scope_string
from refdesk.server.auth.secrets import (
    SecretHasher,
    new_client_credential,
    new_family,
    new_token,
)
from refdesk.server.db.base import utcnow
from refdesk.server.runtime import Runtime

ALL_SCOPES = ("read", "write", "bank")


@dataclass(frozen=True)
class NewApplication:
    application: Application
    client_secret: str | None


async def create_application(
    session: AsyncSession,
    hasher: SecretHasher,
    account_id: int,
    name: str,
    *,
    confidential: bool = True,
    redirect_uris: list[str] | None = None,
    scopes: str = "read write",
) -> NewApplication:
    secret = new_client_credential() if confidential else None
    application = Application(
        account_id=account_id,
        name=name,
        client_id=new_client_credential(),
        client_secret_hash=hasher.hash(secret) if secret else None,
        confidential=confidential,
        redirect_uris=list(redirect_uris or []),
        scopes=scopes,
    )
    session.add(application)
    await session.flush()
    return NewApplication(application, secret)


async def issue_tokens(
    session: AsyncSession,
    runtime: Runtime,
    application: Application,
    account_id: int,
    scopes: set[str] | frozenset[str],
    *,
    with_refresh: bool = False,
    authorization_code_id: int | None = None,
    refresh_scopes: set[str] | frozenset[str] | None = None,
    family: str | None = None,
) -> dict[str, Any]:
    """Create an access token (and a refresh token) and return the token response body.

    ``refresh_scopes``: the refresh token's scopes when they differ from the access token's
    (a refresh request that narrows the scope keeps the original grant, RFC 6749 §6).
    ``family``: the rotated refresh token's family; a new one when absent (a new grant)."""
    now = utcnow()
    settings = runtime.settings
    scope_text = scope_string(scopes)
    refresh_plain: str | None = None
    refresh: RefreshToken | None = None
    if with_refresh:
        refresh_plain = new_token()
        refresh = RefreshToken(
            token_hash=runtime.hasher.hash(refresh_plain),
            application_id=application.id,
            account_id=account_id,
            authorization_code_id=authorization_code_id,
            family=family or new_family(),
            scopes=scope_string(refresh_scopes) if refresh_scopes is not None else scope_text,
            expires_at=now + timedelta(seconds=settings.refresh_token_ttl),
            created=now,
        )
        session.add(refresh)
        await session.flush()
    access_plain = new_token()
    session.add(
        AccessToken(
            token_hash=runtime.hasher.hash(access_plain),
            application_id=application.id,
            account_id=account_id,
            refresh_token_id=refresh.id if refresh else None,
            authorization_code_id=authorization_code_id,
            scopes=scope_text,
            expires_at=now + timedelta(seconds=settings.access_token_ttl),
            created=now,
        )
    )
    await session.flush()
    body: dict[str, Any] = {
        "access_token": access_plain,
        "token_type": "Bearer",
        "expires_in": settings.access_token_ttl,
        "scope": scope_text,
        "created_at": int(now.timestamp()),
    }
    if refresh_plain:
        body["refresh_token"] = refresh_plain
    return body
