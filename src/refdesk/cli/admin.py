"""Operator commands that write straight to the database: accounts, applications,
subscriptions, the maintenance flag, migrations. Imported lazily by ``cli/main.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from refdesk.cli.common import CliError
from refdesk.server.accounts.models import Account
from refdesk.server.auth.passwords import password_errors
from refdesk.server.auth.service import ALL_SCOPES, create_application
from refdesk.server.config import Settings
from refdesk.server.db.engine import Database
from refdesk.server.errors import ErrorCollector, validation_message
from refdesk.server.fields import read_email, read_str
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import SUBSCRIPTION_STATUSES, subscription_active
from refdesk.server.sites.schemas import read_subscription_fields


def _raise_errors(errors: ErrorCollector) -> None:
    if errors:
        raise CliError(validation_message(errors.errors).removeprefix("Validation failed: "))


async def db_upgrade(settings: Settings) -> str | None:
    from refdesk.server.db.migrate import current, upgrade
    from refdesk.server.files import secure_data_dir

    secure_data_dir(settings.data_dir)
    url = settings.effective_database_url
    await upgrade(url)
    return await current(url)


async def set_maintenance(settings: Settings, on: bool) -> None:
    from refdesk.server.flags import set_maintenance as write_flag

    db = Database(settings.effective_database_url)
    try:
        await write_flag(db, on)
    finally:
        await db.dispose()


@dataclass(frozen=True)
class CreatedAccount:
    id: int
    login: str
    operator: bool


async def create_account(
    settings: Settings,
    *,
    login: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None,
    operator: bool,
) -> CreatedAccount:
    errors = ErrorCollector()
    values: dict[str, Any] = {
        "login": read_str(login, "login", errors, 90, required=True),
        "email": read_email(email, "email", errors, required=True),
        "first_name": read_str(first_name, "first_name", errors, 90, required=True),
        "last_name": read_str(last_name, "last_name", errors, 90, required=True),
    }
    if password is not None:
        for problem in password_errors(password):
            errors.add("password", problem)
    _raise_errors(errors)
    values["login"] = values["login"].lower()
    values["email"] = values["email"].lower()
    runtime = Runtime.build(settings)
    try:
        async with runtime.db.transaction() as session:
            for name in ("login", "email"):
                column = getattr(Account, name)
                if await session.scalar(select(Account.id).where(column == values[name])):
                    errors.add(name, "has already been taken")
            _raise_errors(errors)
            account = Account(
                **values,
                password_hash=runtime.passwords.hash(password) if password else None,
                operator=operator,
                active=True,
            )
            session.add(account)
            await session.flush()
            return CreatedAccount(account.id, account.login, account.operator)
    finally:
        await runtime.db.dispose()


@dataclass(frozen=True)
class CreatedApplication:
    id: int
    name: str
    login: str
    scopes: str
    client_id: str
    client_secret: str


def read_scopes(text: str) -> str:
    requested = text.replace(",", " ").split()
    unknown = [s for s in requested if s not in ALL_SCOPES]
    if unknown:
        raise CliError(
            f'unknown scope {unknown[0]!r}; scopes are {", ".join(ALL_SCOPES)} (e.g. "read write")'
        )
    if not requested:
        raise CliError('--scopes can\'t be blank; use e.g. "read write"')
    return " ".join(s for s in ALL_SCOPES if s in requested)


async def create_app_for(
    settings: Settings, *, login: str, name: str, scopes: str
) -> CreatedApplication:
    errors = ErrorCollector()
    clean_name = read_str(name, "name", errors, 90, required=True)
    _raise_errors(errors)
    scope_text = read_scopes(scopes)
    runtime = Runtime.build(settings)
    try:
        async with runtime.db.transaction() as session:
            account = await session.scalar(
                select(Account).where(Account.login == login.strip().lower())
            )
            if account is None:
                raise CliError(f"no account with login {login.strip()!r}")
            if not account.active:
                raise CliError(f"account {account.login!r} is deactivated")
            created = await create_application(
                session, runtime.hasher, account.id, clean_name, scopes=scope_text
            )
            assert created.client_secret is not None
            return CreatedApplication(
                created.application.id,
                clean_name,
                account.login,
                scope_text,
                created.application.client_id,
                created.client_secret,
            )
    finally:
        await runtime.db.dispose()


@dataclass(frozen=True)
class SubscriptionState:
    site_id: int
    site_name: str
    status: str
    plan: str | None
    official_limit: int | None
    expires_on: date | None
    active: bool


async def set_subscription(
    settings: Settings, site_id: int, data: dict[str, Any]
) -> SubscriptionState:
    if site_id < 1:
        raise CliError(f"no site with id {site_id}")
    if not data:
        raise CliError("nothing to change: give --status, --expires-on, --plan or --official-limit")
    if "status" in data and data["status"] not in SUBSCRIPTION_STATUSES:
        raise CliError(
            f"status {data['status']!r} is not one of {', '.join(SUBSCRIPTION_STATUSES)}"
        )
    errors = ErrorCollector()
    changes = read_subscription_fields(data, errors)
    _raise_errors(errors)
    db = Database(settings.effective_database_url)
    try:
        async with db.transaction() as session:
            site = await session.get(Site, site_id, with_for_update=True)
            if site is None:
                raise CliError(f"no site with id {site_id}")
            for key, value in changes.items():
                setattr(site, key, value)
            await session.flush()
            return SubscriptionState(
                site.id,
                site.name,
                site.subscription_status,
                site.subscription_plan,
                site.official_limit,
                site.expires_on,
                subscription_active(site),
            )
    finally:
        await db.dispose()


def blank_to_none(value: str | None) -> str | None:
    """``--expires-on none`` (or an empty value) clears the field."""
    if value is None:
        return None
    return "" if value.strip().lower() in ("", "none", "null") else value


@dataclass(frozen=True)
class CreatedSite:
    id: int
    name: str
    timezone: str
    assignor_login: str


async def create_site_for(
    settings: Settings, *, login: str, name: str, timezone: str | None
) -> CreatedSite:
    """A new site whose first assignor is the account ``login`` (the API's own rules)."""
    from refdesk.server.auth.principal import Principal
    from refdesk.server.db.base import utcnow
    from refdesk.server.errors import ValidationFailed
    from refdesk.server.sites.schemas import parse_site
    from refdesk.server.sites.service import create_site

    runtime = Runtime.build(settings)
    try:
        async with runtime.db.transaction() as session:
            account = await session.scalar(
                select(Account).where(Account.login == login.strip().lower())
            )
            if account is None:
                raise CliError(f"no account with login {login.strip()!r}")
            if not account.active:
                raise CliError(f"account {account.login!r} is deactivated")
            # The command line acts with operator rights on behalf of that account.
            principal = Principal(account.id, True, frozenset(ALL_SCOPES), 0, 0, utcnow())
            data: dict[str, Any] = {"name": name}
            if timezone is not None:
                data["timezone"] = timezone
            try:
                site = await create_site(
                    session, settings, principal, parse_site(data, creating=True)
                )
            except ValidationFailed as exc:
                raise CliError(exc.message.removeprefix("Validation failed: ")) from None
            return CreatedSite(site.id, site.name, site.timezone, account.login)
    finally:
        await runtime.db.dispose()


@dataclass(frozen=True)
class IssuedInvitation:
    login: str
    link: str
    expires_in: int
    mailed_to: str | None = None


async def invite(
    settings: Settings, *, login: str, base_url: str | None, send: bool = False
) -> IssuedInvitation:
    """A one-time link at which the person sets the password of their account (one without a
    password: created by a site admin). Earlier links of the account stop working. ``send``:
    also queue the invitation e-mail to the account's address (sent by the events worker)."""
    from refdesk.server.accounts import invitations
    from refdesk.server.accounts.invitation_mail import Invites, mail_invitation
    from refdesk.server.accounts.service import find_by_login_or_email

    base = base_url or settings.public_base_url
    if not base:
        raise CliError(
            "give --base-url (or set REFDESK_PUBLIC_BASE_URL), e.g. https://refs.example.org"
        )
    if not base.startswith(("https://", "http://")):
        raise CliError(f"--base-url {base!r} must start with https://")
    runtime = Runtime.build(settings)
    try:
        async with runtime.db.transaction() as session:
            account = await find_by_login_or_email(session, login)
            if account is None:
                raise CliError(f"no account with login or e-mail {login.strip()!r}")
            try:
                if send:
                    link = await mail_invitation(session, Invites(runtime, base), account)
                else:
                    link = invitations.invitation_link(
                        base, await invitations.issue(session, runtime, account)
                    )
            except invitations.InvitationRefused as exc:
                raise CliError(str(exc)) from None
            return IssuedInvitation(
                account.login, link, settings.invitation_ttl, account.email if send else None
            )
    finally:
        await runtime.db.dispose()
