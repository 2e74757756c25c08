"""Plain ``create_*`` factories that write straight to the database."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from refdesk.server.accounts.models import Account
from refdesk.server.auth.service import create_application, issue_tokens
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User

_seq = itertools.count(1)


async def create_account(
    rt: Runtime, *, operator: bool = False, password: str | None = None, **fields: Any
) -> Account:
    n = next(_seq)
    values: dict[str, Any] = {
        "login": f"person{n}@example.org",
        "email": f"person{n}@example.org",
        "first_name": f"First{n}",
        "last_name": f"Last{n}",
        "operator": operator,
    }
    values.update(fields)
    if password:
        values["password_hash"] = rt.passwords.hash(password)
    async with rt.db.transaction() as session:
        account = Account(**values)
        session.add(account)
    return account


async def create_site(
    rt: Runtime, *, status: str = "active", expires_on: date | None = None, **fields: Any
) -> Site:
    values: dict[str, Any] = {
        "name": f"Site {next(_seq)}",
        "timezone": "America/New_York",
        "subscription_status": status,
        "expires_on": expires_on,
    }
    values.update(fields)
    async with rt.db.transaction() as session:
        site = Site(**values)
        session.add(site)
    return site


async def create_user(rt: Runtime, site: Site, account: Account, **flags: Any) -> User:
    values: dict[str, Any] = {
        "site_id": site.id,
        "account_id": account.id,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email_addresses": [account.email],
    }
    values.update(flags)
    async with rt.db.transaction() as session:
        user = User(**values)
        session.add(user)
    return user


async def create_token(
    rt: Runtime, account: Account, scopes: str = "read write", *, owner: Account | None = None
) -> str:
    """A token of ``account`` from a new application of ``owner`` (default: the account
    itself; another owner is what an authorization-code grant gives)."""
    async with rt.db.transaction() as session:
        app = await create_application(
            session, rt.hasher, (owner or account).id, "test app", scopes="read write bank"
        )
        body = await issue_tokens(session, rt, app.application, account.id, set(scopes.split()))
    return str(body["access_token"])


@dataclass
class Member:
    """An account with a user in a site and a bearer token."""

    account: Account
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def create_member(
    rt: Runtime, site: Site, scopes: str = "read write", **flags: Any
) -> Member:
    account = await create_account(rt)
    user = await create_user(rt, site, account, **flags)
    return Member(account, user, await create_token(rt, account, scopes))
