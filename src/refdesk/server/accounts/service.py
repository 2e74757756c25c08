"""The acting account: read, update (with current_password), its sites and users."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.auth.passwords import password_errors
from refdesk.server.auth.principal import Principal
from refdesk.server.auth.throttle import login_throttle
from refdesk.server.db.unique import unique_rule
from refdesk.server.errors import ErrorCollector, NotFound, ValidationFailed
from refdesk.server.fields import INVALID, read_email, read_str
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User

STATUS_FILTERS = ("active", "inactive", "all")
TAKEN = "has already been taken"


async def get_account(session: AsyncSession, principal: Principal) -> Account:
    account = await session.get(Account, principal.account_id)
    if account is None:
        raise NotFound()
    return account


async def find_by_login_or_email(session: AsyncSession, name: str) -> Account | None:
    """The account whose login or e-mail is ``name`` (case-insensitive), else None."""
    name = name.strip().lower()
    return (
        await session.execute(
            select(Account).where(or_(Account.login == name, func.lower(Account.email) == name))
        )
    ).scalar_one_or_none()


async def update_account(
    session: AsyncSession, runtime: Runtime, principal: Principal, data: dict[str, Any]
) -> Account:
    account = await session.get(Account, principal.account_id, with_for_update=True)
    if account is None:
        raise NotFound()
    errors = ErrorCollector()
    changes: dict[str, Any] = {}
    for name in ("first_name", "last_name"):
        if name in data:
            value = read_str(data[name], name, errors, 90, required=True)
            if value is not INVALID:
                changes[name] = value
    if "login" in data:
        value = read_str(data["login"], "login", errors, 90, required=True)
        if value is not INVALID:
            changes["login"] = value.lower()
    if "email" in data:
        value = read_email(data["email"], "email", errors, required=True)
        if value is not INVALID:
            changes["email"] = value.lower()
    new_password: str | None = None
    if "password" in data:
        for problem in password_errors(data["password"]):
            errors.add("password", problem)
        if "password" not in errors.errors:
            new_password = str(data["password"])
    sensitive = {
        k for k in ("login", "email") if k in changes and changes[k] != getattr(account, k)
    }
    if sensitive or new_password is not None:
        current = data.get("current_password")
        if not isinstance(current, str) or not current:
            errors.add("current_password", "is invalid")
        else:
            # A password oracle too: the sign-in throttle of the account's login, then argon2
            # off the event loop.
            await login_throttle(runtime).admit(account.login)
            ok = await to_thread.run_sync(runtime.passwords.verify, current, account.password_hash)
            if not ok:
                errors.add("current_password", "is invalid")
    for field in sensitive:
        column = getattr(Account, field)
        taken = await session.scalar(
            select(Account.id).where(column == changes[field], Account.id != account.id)
        )
        if taken:
            errors.add(field, TAKEN)
    if errors:
        raise ValidationFailed(errors.errors)
    if new_password is not None:
        changes["password_hash"] = await to_thread.run_sync(runtime.passwords.hash, new_password)
    # Another account may take the login or e-mail between the check and the write.
    async with unique_rule(session, {f: [TAKEN] for f in ("login", "email")}, "accounts"):
        for key, value in changes.items():
            setattr(account, key, value)
        await session.flush()
    return account


def read_status_filter(query: dict[str, Any], errors: ErrorCollector) -> str:
    search = query.get("search")
    status = search.get("status") if isinstance(search, dict) else None
    if status in (None, ""):
        return "all"
    if status not in STATUS_FILTERS:
        errors.add("search[status]", "is not included in the list")
        return "all"
    return str(status)


def my_users(principal: Principal, status: str) -> Select[User, Site]:
    query = (
        select(User, Site)
        .join(Site, Site.id == User.site_id)
        .where(User.account_id == principal.account_id)
    )
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    return query.order_by(Site.id, User.id)


async def page_of_users(
    session: AsyncSession, query: Select[User, Site], offset: int, limit: int
) -> tuple[list[tuple[User, Site]], int]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = (await session.execute(query.offset(offset).limit(limit))).all()
    return [(user, site) for user, site in rows], int(total or 0)
