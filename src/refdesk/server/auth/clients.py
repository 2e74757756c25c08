"""OAuth client authentication (contract §6.3): HTTP Basic and/or body credentials, checked
against the application's HMAC-hashed secret. Failures are RFC 6749 ``ApiError``s."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.api.errors import ApiError
from refdesk.server.auth.models import Application
from refdesk.server.auth.secrets import SecretHasher

BASIC_CHALLENGE = 'Basic realm="refdesk"'


def invalid_request(message: str) -> ApiError:
    return ApiError("invalid_request", message, status=400)


def invalid_client(message: str, *, basic: bool) -> ApiError:
    headers = {"WWW-Authenticate": BASIC_CHALLENGE} if basic else None
    return ApiError("invalid_client", message, status=401, headers=headers)


def str_param(data: dict[str, Any], name: str) -> str | None:
    """A single string parameter; absent or empty is ``None``; any other type is malformed."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid_request(f"The {name} parameter is malformed")
    return value or None


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


def client_credentials_of(authorization: str | None, data: dict[str, Any]) -> ClientCredentials:
    """Client authentication from HTTP Basic and/or the body; both must name the same client."""
    body_id = str_param(data, "client_id")
    body_secret = str_param(data, "client_secret")
    basic = _basic(authorization)
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
