"""OAuth applications owned by the acting account (contract §15.3, §6.1). Deleting an
application or rotating its secret revokes its tokens (§6.2). Inputs are parsed by
``accounts/schemas.py``; the wire representation is ``accounts/representation.py``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.schemas import DEFAULT_SCOPES, ApplicationInput, mentions_bank
from refdesk.server.auth import token_changes
from refdesk.server.auth.errors import InsufficientScope
from refdesk.server.auth.models import AccessToken, Application, AuthorizationCode, RefreshToken
from refdesk.server.auth.principal import Principal
from refdesk.server.auth.secrets import SecretHasher, new_client_credential
from refdesk.server.auth.service import create_application
from refdesk.server.db.base import utcnow
from refdesk.server.db.paging import page_of
from refdesk.server.errors import NotFound, ValidationFailed
from refdesk.server.inputs import Unset
from refdesk.server.paging import PageRequest
from refdesk.server.sites.access import check_id


@dataclass(frozen=True)
class ApplicationResult:
    application: Application
    client_secret: str | None = None


def require_bank_if(principal: Principal, *mentions: bool) -> None:
    """§6.6: writing an application whose scopes include ``bank`` needs a ``bank`` token (the
    method's ``write`` scope was checked before the endpoint ran)."""
    if any(mentions) and "bank" not in principal.scopes:
        raise InsufficientScope(("bank",))


async def list_applications(
    session: AsyncSession, principal: Principal, page: PageRequest
) -> tuple[list[Application], int]:
    """The acting account's applications, ordered by id, and their total."""
    statement = select(Application).where(Application.account_id == principal.account_id)
    return await page_of(session, statement, [Application.id], page)


async def get_application(
    session: AsyncSession, principal: Principal, application_id: int
) -> Application:
    """The acting account's application; another account's is 404 (§7.5)."""
    check_id(application_id)
    application = await session.get(Application, application_id)
    if application is None or application.account_id != principal.account_id:
        raise NotFound()
    return application


async def create(
    session: AsyncSession, hasher: SecretHasher, principal: Principal, values: ApplicationInput
) -> ApplicationResult:
    """Register an application; the result carries its client_secret (confidential only)."""
    require_bank_if(principal, values.requests_bank)
    values.raise_if_invalid()
    assert not isinstance(values.name, Unset)
    created = await create_application(
        session,
        hasher,
        principal.account_id,
        values.name,
        confidential=True if isinstance(values.confidential, Unset) else values.confidential,
        redirect_uris=[] if isinstance(values.redirect_uris, Unset) else values.redirect_uris,
        scopes=DEFAULT_SCOPES if isinstance(values.scopes, Unset) else values.scopes,
    )
    await session.refresh(created.application)
    return ApplicationResult(created.application, created.client_secret)


async def update_application(
    session: AsyncSession, principal: Principal, application_id: int, values: ApplicationInput
) -> Application:
    """Change name, redirect_uris or scopes; ``confidential`` is fixed at create."""
    application = await get_application(session, principal, application_id)
    require_bank_if(principal, mentions_bank(application.scopes), values.requests_bank)
    values.raise_if_invalid()
    if not isinstance(values.confidential, Unset) and (
        values.confidential != application.confidential
    ):
        raise ValidationFailed.one("confidential", "is invalid")
    if not isinstance(values.name, Unset):
        application.name = values.name
    if not isinstance(values.redirect_uris, Unset):
        application.redirect_uris = values.redirect_uris
    if not isinstance(values.scopes, Unset):
        if set(values.scopes.split()) != set(application.scopes.split()):
            # Its tokens hold the intersection with these (auth/principal.py).
            token_changes.application(session, application.id)
        application.scopes = values.scopes
    application.updated = utcnow()
    await session.flush()
    await session.refresh(application)
    return application


async def revoke_all_tokens(session: AsyncSession, application_id: int) -> None:
    """Every access and refresh token of the application stops working; pending codes go."""
    now = utcnow()
    token_changes.application(session, application_id)
    for model in (AccessToken, RefreshToken):
        await session.execute(
            update(model)
            .where(model.application_id == application_id, model.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    await session.execute(
        delete(AuthorizationCode).where(
            AuthorizationCode.application_id == application_id,
            AuthorizationCode.used_at.is_(None),
        )
    )


async def delete_application(
    session: AsyncSession, principal: Principal, application_id: int
) -> None:
    """Delete the application and revoke every token issued to it."""
    application = await get_application(session, principal, application_id)
    await revoke_all_tokens(session, application.id)
    await session.delete(application)
    await session.flush()


async def rotate_secret(
    session: AsyncSession, hasher: SecretHasher, principal: Principal, application_id: int
) -> ApplicationResult:
    """A new client_secret; the old one and every token of the application stop working."""
    application = await get_application(session, principal, application_id)
    require_bank_if(principal, mentions_bank(application.scopes))
    if not application.confidential:
        raise ValidationFailed.one("confidential", "is invalid")
    secret = new_client_credential()
    application.client_secret_hash = hasher.hash(secret)
    application.updated = utcnow()
    await revoke_all_tokens(session, application.id)
    await session.flush()
    await session.refresh(application)
    return ApplicationResult(application, secret)
