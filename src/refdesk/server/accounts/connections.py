"""The OAuth applications an account has let in (the account page's "Connected applications"),
and taking that access back from one of them.

An application is *connected* to an account while it holds an access or refresh token of
that account that is neither revoked nor expired, whoever owns the application (an
authorization-code grant gives another owner's application a token of the account; the
client-credentials grant gives the owner's own application one). Revoking ends every access
and refresh token of that application *for this account only* and withdraws the account's
pending authorization codes for it, so that none can still be exchanged; the application
keeps working for every other account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.auth import token_changes
from refdesk.server.auth.models import AccessToken, Application, AuthorizationCode, RefreshToken
from refdesk.server.auth.principal import Principal, scope_string
from refdesk.server.db.base import utcnow
from refdesk.server.errors import NotFound
from refdesk.server.sites.access import check_id

NOT_CONNECTED = "This application has no access to your account"


@dataclass(frozen=True)
class Connection:
    """One connected application as the account sees it."""

    application_id: int
    name: str
    scopes: str  # what its live tokens still grant (cut to the application's scopes), ordered
    authorized_at: datetime  # the latest grant behind a live token (see ``_granted_at``)
    own: bool  # the account owns the application (a client-credentials token)


@dataclass(frozen=True)
class RevokeAccess:
    """Take an application's access to the acting account away."""

    application_id: int


@dataclass
class _Found:
    scopes: set[str]
    authorized_at: datetime


def _live(model: type[AccessToken] | type[RefreshToken], account_id: int, now: datetime) -> Any:
    return select(
        model.application_id, model.scopes, model.created, model.authorization_code_id
    ).where(model.account_id == account_id, model.revoked_at.is_(None), model.expires_at > now)


async def _code_times(session: AsyncSession, code_ids: set[int]) -> dict[int, datetime]:
    if not code_ids:
        return {}
    rows = await session.execute(
        select(AuthorizationCode.id, AuthorizationCode.created).where(
            AuthorizationCode.id.in_(code_ids)
        )
    )
    return {row[0]: row[1] for row in rows}


async def connected_applications(session: AsyncSession, principal: Principal) -> list[Connection]:
    """The applications holding a live token of the acting account, the most recently
    authorized first."""
    now = utcnow()
    rows = [
        *(await session.execute(_live(AccessToken, principal.account_id, now))).all(),
        *(await session.execute(_live(RefreshToken, principal.account_id, now))).all(),
    ]
    if not rows:
        return []
    codes = await _code_times(session, {r[3] for r in rows if r[3] is not None})
    found: dict[int, _Found] = {}
    for application_id, scopes, created, code_id in rows:
        # A token from an authorization code was authorized when the person approved (its
        # code was made), even after refresh rotations; a client-credentials token when issued.
        granted = codes.get(code_id, created) if code_id is not None else created
        entry = found.setdefault(application_id, _Found(set(), granted))
        entry.scopes.update(scopes.split())
        entry.authorized_at = max(entry.authorized_at, granted)
    applications = (
        await session.scalars(select(Application).where(Application.id.in_(found)))
    ).all()
    connections = [
        Connection(
            application_id=app.id,
            name=app.name,
            scopes=scope_string(found[app.id].scopes & set(app.scopes.split())),
            authorized_at=found[app.id].authorized_at,
            own=app.account_id == principal.account_id,
        )
        for app in applications
    ]
    connections.sort(key=lambda c: (c.name.lower(), c.application_id))
    connections.sort(key=lambda c: c.authorized_at, reverse=True)
    return connections


async def revoke_access(session: AsyncSession, principal: Principal, inp: RevokeAccess) -> str:
    """Revoke every access and refresh token of the application for the acting account and
    withdraw the account's pending codes for it; returns the application's name. An
    application without a live token of the account is :class:`NotFound` (nothing to revoke,
    and nothing told about applications the account has no part in)."""
    check_id(inp.application_id)
    connected = {c.application_id: c for c in await connected_applications(session, principal)}
    connection = connected.get(inp.application_id)
    if connection is None:
        raise NotFound(NOT_CONNECTED)
    now = utcnow()
    token_changes.grant(session, principal.account_id, inp.application_id)
    for model in (AccessToken, RefreshToken):
        await session.execute(
            update(model)
            .where(
                model.application_id == inp.application_id,
                model.account_id == principal.account_id,
                model.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
    await session.execute(
        delete(AuthorizationCode).where(
            AuthorizationCode.application_id == inp.application_id,
            AuthorizationCode.account_id == principal.account_id,
            AuthorizationCode.used_at.is_(None),
        )
    )
    return connection.name
