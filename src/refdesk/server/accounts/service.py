"""The acting account: read, update (with current_password), its sites and users."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.accounts.schemas import AccountUpdate, ProfilesQuery
from refdesk.server.auth import token_changes
from refdesk.server.auth.principal import Principal
from refdesk.server.auth.throttle import login_throttle
from refdesk.server.db.unique import unique_rule
from refdesk.server.errors import NotFound
from refdesk.server.inputs import Unset
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User

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
    session: AsyncSession, runtime: Runtime, principal: Principal, values: AccountUpdate
) -> Account:
    """Update the acting account; changing login, e-mail or password needs the current
    password (checked behind the sign-in throttle of the account's login)."""
    account = await session.get(Account, principal.account_id, with_for_update=True)
    if account is None:
        raise NotFound()
    errors = values.errors()
    changes: dict[str, Any] = values.changes()
    new_password = None if isinstance(values.password, Unset) else values.password
    sensitive = {
        k for k in ("login", "email") if k in changes and changes[k] != getattr(account, k)
    }
    if sensitive or new_password is not None:
        current = values.current_password
        if current is None:
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
    errors.raise_if_any()
    if new_password is not None:
        changes["password_hash"] = await to_thread.run_sync(runtime.passwords.hash, new_password)
    # Another account may take the login or e-mail between the check and the write.
    async with unique_rule(session, {f: [TAKEN] for f in ("login", "email")}, "accounts"):
        for key, value in changes.items():
            setattr(account, key, value)
        await session.flush()
    return account


async def set_account_flags(
    session: AsyncSession,
    account_id: int,
    *,
    active: bool | None = None,
    operator: bool | None = None,
) -> bool:
    """An operator's change of an account's ``active`` or ``operator`` flag (no API or command
    offers it yet; this is the one way to write it). Every token acting as the account or
    issued by its applications changes with it: the principal cache is told (after commit).
    False: no such account."""
    values: dict[str, Any] = {}
    if active is not None:
        values["active"] = active
    if operator is not None:
        values["operator"] = operator
    result = await session.execute(update(Account).where(Account.id == account_id).values(values))
    token_changes.account(session, account_id)
    return bool(result.rowcount)  # type: ignore[attr-defined]


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


async def my_profiles(
    session: AsyncSession, principal: Principal, query: ProfilesQuery
) -> tuple[list[tuple[User, Site]], int]:
    """The account's user profiles (one per site) with their sites, ordered by site id, and
    their total (the rows are pairs, so this is not ``page_of``, which pages scalars)."""
    query.raise_if_invalid()
    statement = my_users(principal, query.status)
    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    page = query.page
    rows = (await session.execute(statement.offset(page.offset).limit(page.limit))).all()
    return [(user, site) for user, site in rows], int(total or 0)
