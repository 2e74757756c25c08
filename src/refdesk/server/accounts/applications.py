"""OAuth applications owned by the acting account (contract §15.3, §6.1): rules and the wire
representation. Deleting an application or rotating its secret revokes its tokens (§6.2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.api.hal import link
from refdesk.server.auth.models import AccessToken, Application, AuthorizationCode, RefreshToken
from refdesk.server.auth.principal import SCOPE_ORDER, Principal, scope_string
from refdesk.server.auth.secrets import SecretHasher, new_client_credential
from refdesk.server.auth.service import create_application
from refdesk.server.db.base import utcnow
from refdesk.server.errors import ErrorCollector, NotFound
from refdesk.server.fields import INVALID, is_blank, read_bool, read_str
from refdesk.server.sites.access import check_id
from refdesk.server.timefmt import timestamp

OOB = "urn:ietf:wg:oauth:2.0:oob"
DEFAULT_SCOPES = "read write"
MAX_REDIRECT_URIS = 20
MAX_URI_LENGTH = 2000
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "about", "blob"})
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")


@dataclass(frozen=True)
class ApplicationResult:
    application: Application
    client_secret: str | None = None


def application_repr(
    application: Application,
    base: str,
    tz: str,
    *,
    secret: str | None = None,
    with_secret: bool = False,
) -> dict[str, Any]:
    path = f"/current_account/applications/{application.id}"
    body: dict[str, Any] = {
        "id": application.id,
        "name": application.name,
        "client_id": application.client_id,
    }
    if with_secret:
        body["client_secret"] = secret
    body.update(
        {
            "confidential": application.confidential,
            "redirect_uris": list(application.redirect_uris or []),
            "scopes": application.scopes,
            "created": timestamp(application.created, tz),
            "updated": timestamp(application.updated, tz),
        }
    )
    links: dict[str, Any] = {"self": link(base, path, "application")}
    if application.confidential:
        links["rotate_secret"] = link(base, f"{path}/rotate_secret")
    body["_links"] = links
    return body


def _valid_redirect_uri(uri: str) -> bool:
    if uri == OOB:
        return True
    if any(c.isspace() for c in uri) or "#" in uri:
        return False
    try:
        parts = urlsplit(uri)
        hostname = parts.hostname
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if not scheme or not _SCHEME.match(scheme) or scheme in FORBIDDEN_SCHEMES:
        return False
    if scheme == "https":
        return bool(hostname)
    if scheme == "http":
        return hostname in LOOPBACK_HOSTS
    # A private-use scheme of a native application (RFC 8252 §7.1), e.g. com.example.app:/cb
    return bool(uri.partition(":")[2])


def read_redirect_uris(value: Any, errors: ErrorCollector) -> Any:
    field = "redirect_uris"
    if is_blank(value):
        return []
    items: list[Any]
    if isinstance(value, str):
        items = value.split()
    elif isinstance(value, list):
        items = value
    else:
        errors.add(field, "is invalid")
        return INVALID
    if len(items) > MAX_REDIRECT_URIS:
        errors.add(field, "is invalid")
        return INVALID
    uris: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            errors.add(field, "is invalid")
            return INVALID
        uri = item.strip()
        if len(uri) > MAX_URI_LENGTH:
            errors.add(field, f"is too long (maximum is {MAX_URI_LENGTH} characters)")
            return INVALID
        if not _valid_redirect_uri(uri):
            errors.add(field, "is invalid")
            return INVALID
        if uri not in uris:
            uris.append(uri)
    return uris


def read_scopes(value: Any, errors: ErrorCollector) -> Any:
    field = "scopes"
    if is_blank(value) or value == []:
        return DEFAULT_SCOPES
    if isinstance(value, str):
        items = value.split()
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [p for v in value for p in v.split()]
    else:
        errors.add(field, "is invalid")
        return INVALID
    if any(item not in SCOPE_ORDER for item in items):
        errors.add(field, "is not included in the list")
        return INVALID
    return scope_string(set(items)) or DEFAULT_SCOPES


def mentions_bank(value: Any) -> bool:
    """Whether a (not yet validated) ``scopes`` value or stored scope string includes ``bank``;
    writing such an application needs a token with ``bank`` (§6.6)."""
    if isinstance(value, str):
        return "bank" in value.split()
    if isinstance(value, list):
        return any(mentions_bank(v) for v in value)
    return False


async def page_of(
    session: AsyncSession, principal: Principal, offset: int, limit: int
) -> tuple[list[Application], int]:
    where = Application.account_id == principal.account_id
    total = (
        await session.execute(select(func.count()).select_from(Application).where(where))
    ).scalar_one()
    rows = (
        await session.execute(
            select(Application).where(where).order_by(Application.id).offset(offset).limit(limit)
        )
    ).scalars()
    return list(rows), int(total)


async def get_application(
    session: AsyncSession, principal: Principal, application_id: int
) -> Application:
    """The acting account's application; another account's is 404 (§7.5)."""
    check_id(application_id)
    application = await session.get(Application, application_id)
    if application is None or application.account_id != principal.account_id:
        raise NotFound()
    return application


@dataclass(frozen=True)
class ApplicationInput:
    name: str | None
    confidential: bool | None
    redirect_uris: list[str] | None
    scopes: str | None


def read_input(data: dict[str, Any], *, creating: bool) -> ApplicationInput:
    """Validate the writable fields of §15.3 (only those present, except on create)."""
    errors = ErrorCollector()
    name = confidential = redirect_uris = scopes = None
    if creating or "name" in data:
        name = read_str(data.get("name"), "name", errors, 90, required=True)
    if "confidential" in data and not is_blank(data["confidential"]):
        confidential = read_bool(data["confidential"], "confidential", errors)
    if "redirect_uris" in data:
        redirect_uris = read_redirect_uris(data["redirect_uris"], errors)
    if "scopes" in data:
        scopes = read_scopes(data["scopes"], errors)
    errors.raise_if_any()
    return ApplicationInput(name, confidential, redirect_uris, scopes)


async def create(
    session: AsyncSession, hasher: SecretHasher, principal: Principal, values: ApplicationInput
) -> ApplicationResult:
    assert values.name is not None
    created = await create_application(
        session,
        hasher,
        principal.account_id,
        values.name,
        confidential=True if values.confidential is None else values.confidential,
        redirect_uris=values.redirect_uris or [],
        scopes=values.scopes or DEFAULT_SCOPES,
    )
    await session.refresh(created.application)
    return ApplicationResult(created.application, created.client_secret)


async def update_application(
    session: AsyncSession, application: Application, values: ApplicationInput
) -> Application:
    if values.confidential is not None and values.confidential != application.confidential:
        errors = ErrorCollector()
        errors.add("confidential", "is invalid")
        errors.raise_if_any()
    if values.name is not None:
        application.name = values.name
    if values.redirect_uris is not None:
        application.redirect_uris = values.redirect_uris
    if values.scopes is not None:
        application.scopes = values.scopes
    application.updated = utcnow()
    await session.flush()
    await session.refresh(application)
    return application


async def revoke_all_tokens(session: AsyncSession, application_id: int) -> None:
    """Every access and refresh token of the application stops working; pending codes go."""
    now = utcnow()
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


async def delete_application(session: AsyncSession, application: Application) -> None:
    await revoke_all_tokens(session, application.id)
    await session.delete(application)
    await session.flush()


async def rotate_secret(
    session: AsyncSession, hasher: SecretHasher, application: Application
) -> ApplicationResult:
    if not application.confidential:
        errors = ErrorCollector()
        errors.add("confidential", "is invalid")
        errors.raise_if_any()
    secret = new_client_credential()
    application.client_secret_hash = hasher.hash(secret)
    application.updated = utcnow()
    await revoke_all_tokens(session, application.id)
    await session.flush()
    await session.refresh(application)
    return ApplicationResult(application, secret)
