"""Seed the demo installation and keep ``<data_dir>/demo.json``.

Seeding is a list of numbered steps (``STEPS``); the ``demo_seed`` server flag records how many
have been applied, so a second start adds nothing and a later version of refdesk only runs the
steps that are new (append a step at the end). Each step gets the ``DemoWorld`` built so far
and may look records up in it by their demo keys. Step 1 creates the sites and people, step 2
(``season.py``) the season of the active sites; ``demo.json`` also lists a few ids to explore
(the ``demo_explore`` server flag written by step 2).

The demo clients' plain secrets exist only in ``demo.json`` (mode 0600); the database keeps
HMAC hashes. When the file is missing or no longer matches the database, the affected clients'
secrets are rotated (their tokens revoked) and the file is rewritten. The same holds for the
passwords of the demo roles' accounts (``logins`` in ``demo.json``: sign in to the web app or
at ``/oauth/authorize``), stored with argon2; a password changed since (a reset, the API) is
replaced by a new generated one, so the file always holds working credentials.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.accounts.models import Account
from refdesk.server.auth.models import AccessToken, Application, RefreshToken
from refdesk.server.auth.secrets import SecretHasher, new_client_credential
from refdesk.server.auth.service import create_application
from refdesk.server.db.base import utcnow
from refdesk.server.db.models import ServerFlag
from refdesk.server.demo import data
from refdesk.server.demo.season import read_explore, step_season
from refdesk.server.files import private_dir
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User

SEED_FLAG = "demo_seed"
DEMO_FILE = "demo.json"


class DemoError(Exception):
    """The demo data in the database is not what the seed expects (e.g. an account removed)."""


@dataclass
class DemoWorld:
    """The demo records by key: sites by site key, accounts by person key, users by both."""

    sites: dict[str, Site] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    users: dict[tuple[str, str], User] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoOutcome:
    path: Path
    steps_applied: int
    rotated: tuple[str, ...]
    credentials: dict[str, Any]

    @property
    def seeded(self) -> bool:
        return self.steps_applied > 0


Step = Callable[[AsyncSession, Runtime, DemoWorld], Awaitable[None]]


def _account_for(person: data.DemoPerson, *, operator: bool = False) -> Account:
    return Account(
        login=person.email,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        operator=operator,
        active=True,
    )


async def _step_people(session: AsyncSession, runtime: Runtime, world: DemoWorld) -> None:
    """Step 1: the operator, the sites, everyone's account and their user profiles."""
    operator = _account_for(data.OPERATOR, operator=True)
    session.add(operator)
    await session.flush()
    world.accounts[data.OPERATOR.key] = operator
    for demo_site in data.SITES:
        values: dict[str, Any] = {
            "decline_cutoff_hours": runtime.settings.decline_cutoff_hours,
            **demo_site.settings,
        }
        site = Site(
            name=demo_site.name,
            timezone=demo_site.timezone,
            sports=list(demo_site.sports),
            subscription_status=demo_site.subscription_status,
            subscription_plan=demo_site.subscription_plan,
            expires_on=demo_site.expires_on,
            **values,
        )
        session.add(site)
        await session.flush()
        world.sites[demo_site.key] = site
    for person in data.PEOPLE:
        account = _account_for(person)
        session.add(account)
        await session.flush()
        world.accounts[person.key] = account
    people = {p.key: p for p in data.PEOPLE}
    for member in data.MEMBERSHIPS:
        person = people[member.person]
        user = User(
            site_id=world.sites[member.site].id,
            account_id=world.accounts[member.person].id,
            first_name=person.first_name,
            last_name=person.last_name,
            email_addresses=[person.email],
            mobile_phone=person.phone,
            city=person.city,
            state=person.state,
            postal_code=person.postal_code,
            official=member.official,
            assignor=member.assignor,
            manager=member.manager,
            observer=member.observer,
            active=True,
            grade=member.grade,
            max_games_per_day=member.max_games_per_day,
        )
        session.add(user)
        await session.flush()
        world.users[(member.site, member.person)] = user


# Append new steps at the end; never reorder or change an applied step.
STEPS: tuple[Step, ...] = (_step_people, step_season)


async def _load_world(session: AsyncSession) -> DemoWorld:
    """The records earlier steps created, found by their natural keys (logins, site names)."""
    world = DemoWorld()
    everyone = (data.OPERATOR, *data.PEOPLE)
    logins = {p.email: p.key for p in everyone}
    accounts = await session.scalars(select(Account).where(Account.login.in_(logins)))
    for account in accounts:
        world.accounts[logins[account.login]] = account
    site_keys = {s.name: s.key for s in data.SITES}
    person_keys = {world.accounts[k].id: k for k in world.accounts}
    rows = await session.execute(
        select(User, Site)
        .join(Site, Site.id == User.site_id)
        .where(User.account_id.in_(person_keys))
        .order_by(Site.id, User.id)
    )
    for user, site in rows:
        site_key = site_keys.get(site.name)
        if site_key is None:
            continue
        world.sites.setdefault(site_key, site)
        if world.sites[site_key].id == site.id:
            world.users[(site_key, person_keys[user.account_id])] = user
    return world


def read_credentials(path: Path) -> dict[str, Any] | None:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def write_credentials(path: Path, document: dict[str, Any]) -> None:
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (json.dumps(document, indent=2) + "\n").encode())
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


async def _still_valid(
    session: AsyncSession, hasher: SecretHasher, account: Account, entry: Any
) -> tuple[str, str] | None:
    """The entry's (client_id, secret) if they still authenticate as ``account``."""
    if not isinstance(entry, dict):
        return None
    client_id, secret = entry.get("client_id"), entry.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(secret, str):
        return None
    application = await session.scalar(
        select(Application).where(Application.client_id == client_id)
    )
    if (
        application is None
        or application.account_id != account.id
        or not hasher.verify(secret, application.client_secret_hash)
    ):
        return None
    return client_id, secret


async def _rotate(
    session: AsyncSession, hasher: SecretHasher, account: Account, client: data.DemoClient
) -> tuple[str, str]:
    """A fresh secret for the demo application (created if missing); its tokens are revoked."""
    application = await session.scalar(
        select(Application)
        .where(Application.account_id == account.id, Application.name == client.application_name)
        .order_by(Application.id)
        .limit(1)
    )
    if application is None:
        created = await create_application(
            session, hasher, account.id, client.application_name, scopes=client.scopes
        )
        assert created.client_secret is not None
        return created.application.client_id, created.client_secret
    secret = new_client_credential()
    application.client_secret_hash = hasher.hash(secret)
    application.confidential = True
    now = utcnow()
    for model in (AccessToken, RefreshToken):
        await session.execute(
            update(model)
            .where(model.application_id == application.id, model.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    await session.flush()
    return application.client_id, secret


def new_demo_password() -> str:
    """16 URL-safe characters from a CSPRNG (96 bits)."""
    return secrets.token_urlsafe(12)


async def _ensure_password(
    session: AsyncSession, runtime: Runtime, account: Account, entry: Any
) -> str:
    """The password of ``entry`` (``demo.json``) if it still signs in as ``account``, else a
    new one set on the account (its other sessions end)."""
    if isinstance(entry, dict):
        old = entry.get("password")
        if (
            entry.get("login") == account.login
            and isinstance(old, str)
            and runtime.passwords.verify(old, account.password_hash)
        ):
            return old
    password = new_demo_password()
    account.password_hash = runtime.passwords.hash(password)
    await session.flush()  # a new hash: the account's browser sessions end with the old one
    return password


async def _ensure_once(
    runtime: Runtime, previous: dict[str, Any] | None
) -> tuple[
    int, list[str], dict[str, dict[str, Any]], dict[str, dict[str, Any]], dict[str, Any] | None
]:
    old_clients = (previous or {}).get("clients")
    old_clients = old_clients if isinstance(old_clients, dict) else {}
    old_logins = (previous or {}).get("logins")
    old_logins = old_logins if isinstance(old_logins, dict) else {}
    async with runtime.db.transaction() as session:
        flag = await session.get(ServerFlag, SEED_FLAG, with_for_update=True)
        done = int(flag.value) if flag is not None and flag.value.isdigit() else 0
        world = await _load_world(session) if done else DemoWorld()
        for step in STEPS[done:]:
            await step(session, runtime, world)
        if flag is None:
            session.add(ServerFlag(name=SEED_FLAG, value=str(len(STEPS))))
        elif done < len(STEPS):
            flag.value = str(len(STEPS))
        rotated: list[str] = []
        clients: dict[str, dict[str, Any]] = {}
        logins: dict[str, dict[str, Any]] = {}
        for client in data.CLIENTS:
            account = world.accounts.get(client.person)
            user = world.users.get((client.site, client.person))
            if account is None or user is None:
                raise DemoError(
                    f"demo account {client.person!r} or its user in site {client.site!r} "
                    "is missing; reset the database to seed the demo again"
                )
            kept = await _still_valid(
                session, runtime.hasher, account, old_clients.get(client.role)
            )
            if kept is None:
                kept = await _rotate(session, runtime.hasher, account, client)
                rotated.append(client.role)
            client_id, secret = kept
            clients[client.role] = {
                "client_id": client_id,
                "client_secret": secret,
                "scopes": client.scopes,
                "site_id": user.site_id,
                "user_id": user.id,
            }
            password = await _ensure_password(
                session, runtime, account, old_logins.get(client.role)
            )
            logins[client.role] = {
                "login": account.login,
                "password": password,
                "site_id": user.site_id,
                "user_id": user.id,
            }
        explore = await read_explore(session)
    return len(STEPS) - done, rotated, clients, logins, explore


async def ensure_demo(
    runtime: Runtime, *, base_url: str, token_url: str, ca_cert: Path | None
) -> DemoOutcome:
    """Seed what is not seeded yet, make sure ``demo.json`` holds working credentials."""
    path = runtime.settings.data_dir / DEMO_FILE
    previous = read_credentials(path)
    try:
        applied, rotated, clients, logins, explore = await _ensure_once(runtime, previous)
    except IntegrityError:
        # Another process seeded at the same moment; its records are there now.
        applied, rotated, clients, logins, explore = await _ensure_once(runtime, previous)
    document: dict[str, Any] = {
        "base_url": base_url,
        "token_url": token_url,
        "ca_cert": str(ca_cert) if ca_cert else None,
        "clients": clients,
        # Sign in as a demo role (web app, /oauth/authorize): login and password per role.
        "logins": logins,
    }
    if explore is not None:
        # Ids worth a first look: a game and venue of the demo site, a pending slot of the
        # demo official (accept it), a vacant slot (its candidates).
        document["explore"] = explore
    if document != previous:
        write_credentials(path, document)
    return DemoOutcome(path, applied, tuple(rotated), document)
