"""OAuth client authentication (contract §6.3): HTTP Basic and/or body credentials, checked
against the application's HMAC-hashed secret. Failures are RFC 6749 :class:`OAuthError`s."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import unquote_plus

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.auth.errors import invalid_client, invalid_request
from refdesk.server.auth.models import Application
from refdesk.server.auth.schemas import ClientAuthInput, text
from refdesk.server.auth.secrets import SecretHasher


@dataclass(frozen=True)
class ClientCredentials:
    """What the request presented: ``basic`` is true when HTTP Basic was used."""

    client_id: str | None
    client_secret: str | None
    basic: bool


def _basic(authorization: str | None) -> tuple[str, str] | None:
    if not authorization:
        return None
    scheme, _, credential = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise invalid_client("The HTTP Basic credentials are malformed", basic=True) from exc
    raw_id, sep, raw_secret = decoded.partition(":")
    if not sep:
        raise invalid_client("The HTTP Basic credentials are malformed", basic=True)
    return unquote_plus(raw_id), unquote_plus(raw_secret)


def client_credentials_of(presented: ClientAuthInput) -> ClientCredentials:
    """Client authentication from HTTP Basic and/or the body; both must name the same client."""
    body_id = text(presented.client_id, "client_id")
    body_secret = text(presented.client_secret, "client_secret")
    basic = _basic(presented.authorization)
    if basic is None:
        return ClientCredentials(body_id, body_secret, False)
    basic_id, basic_secret = basic
    if (body_id is not None and body_id != basic_id) or (
        body_secret is not None and body_secret != basic_secret
    ):
        raise invalid_request("The client credentials in the body and in HTTP Basic conflict")
    return ClientCredentials(basic_id or None, basic_secret or None, True)


async def authenticate_client(
    session: AsyncSession, hasher: SecretHasher, credentials: ClientCredentials
) -> Application:
    """The application the credentials name; confidential clients must present their secret."""
    basic = credentials.basic
    if not credentials.client_id:
        raise invalid_client("Client authentication is required", basic=basic)
    row = (
        await session.execute(
            select(Application, Account.active)
            .join(Account, Account.id == Application.account_id)
            .where(Application.client_id == credentials.client_id)
        )
    ).first()
    if row is None:
        raise invalid_client("Client authentication failed", basic=basic)
    application, owner_active = row
    if application.confidential:
        if not credentials.client_secret:
            raise invalid_client("This client must authenticate with its secret", basic=basic)
        if not hasher.verify(credentials.client_secret, application.client_secret_hash):
            raise invalid_client("Client authentication failed", basic=basic)
    elif credentials.client_secret:
        raise invalid_client("Public clients have no client secret", basic=basic)
    if not owner_active:
        raise invalid_client("The application's account is deactivated", basic=basic)
    return application
