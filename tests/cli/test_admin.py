"""``refdesk admin ...``: accounts, applications, subscriptions, and their error lines."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from refdesk.server.accounts.models import Account
from refdesk.server.auth.models import Application
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from tests.factories import create_account, create_member, create_site
from tests.support.cli import Invoke, error_line

CREDENTIAL = re.compile(r"^[A-Za-z0-9_-]{43}$")


async def account_by_login(rt: Runtime, login: str) -> Account | None:
    async with rt.db.session() as session:
        return await session.scalar(select(Account).where(Account.login == login))


async def test_create_account(invoke: Invoke, runtime: Runtime) -> None:
    result = await invoke(
        "admin",
        "create-account",
        "--login",
        "Dana.Ops",
        "--email",
        "Dana@Example.org",
        "--first-name",
        "Dana",
        "--last-name",
        "Whitfield",
        "--password",
        "correct horse",
        "--operator",
    )
    assert result.exit_code == 0, result.output
    account = await account_by_login(runtime, "dana.ops")
    assert account is not None
    assert result.stdout.strip() == f"created operator account {account.id} with login dana.ops"
    assert account.email == "dana@example.org"
    assert (account.first_name, account.last_name) == ("Dana", "Whitfield")
    assert account.operator is True
    assert runtime.passwords.verify("correct horse", account.password_hash)
    assert "correct horse" not in (account.password_hash or "")


async def test_create_account_without_password_is_not_an_operator(
    invoke: Invoke, runtime: Runtime
) -> None:
    result = await invoke(
        "admin",
        "create-account",
        "--login",
        "marcus",
        "--email",
        "marcus@example.org",
        "--first-name",
        "Marcus",
        "--last-name",
        "Bell",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("created account ")
    account = await account_by_login(runtime, "marcus")
    assert account is not None
    assert account.operator is False
    assert account.password_hash is None


async def test_create_account_errors(invoke: Invoke, runtime: Runtime) -> None:
    await create_account(runtime, login="taken", email="taken@example.org")
    result = await invoke(
        "admin",
        "create-account",
        "--login",
        "TAKEN",
        "--email",
        "taken@example.org",
        "--first-name",
        "A",
        "--last-name",
        "B",
    )
    assert result.exit_code == 1
    assert error_line(result) == (
        "Error: Login has already been taken, Email has already been taken"
    )

    result = await invoke(
        "admin",
        "create-account",
        "--login",
        "new",
        "--email",
        "not-an-email",
        "--first-name",
        " ",
        "--last-name",
        "B",
        "--password",
        "short",
    )
    assert result.exit_code == 1
    assert error_line(result) == (
        "Error: Email is invalid, First name can't be blank, "
        "Password is too short (minimum is 8 characters)"
    )
    assert await account_by_login(runtime, "new") is None

    result = await invoke("admin", "create-account", "--login", "x")
    assert result.exit_code == 2
    assert "Missing option" in result.output


async def test_create_application_prints_the_secret_once_and_stores_a_hash(
    invoke: Invoke, runtime: Runtime
) -> None:
    owner = await create_account(runtime, login="owner@example.org")
    result = await invoke(
        "admin",
        "create-application",
        "--login",
        "Owner@Example.org",
        "--name",
        "Scheduler",
        "--scopes",
        "bank read",
    )
    assert result.exit_code == 0, result.output
    fields = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert fields["scopes"] == "read bank"
    assert CREDENTIAL.match(fields["client_id"])
    assert CREDENTIAL.match(fields["client_secret"])
    assert "shown only now" in result.stderr
    async with runtime.db.session() as session:
        application = await session.scalar(
            select(Application).where(Application.client_id == fields["client_id"])
        )
    assert application is not None
    assert application.account_id == owner.id
    assert application.name == "Scheduler"
    assert application.scopes == "read bank"
    assert application.confidential is True
    assert application.client_secret_hash != fields["client_secret"]
    assert runtime.hasher.verify(fields["client_secret"], application.client_secret_hash)


async def test_create_application_errors(invoke: Invoke, runtime: Runtime) -> None:
    await create_account(runtime, login="owner@example.org")
    await create_account(runtime, login="gone@example.org", active=False)
    cases = [
        (["--login", "nobody", "--name", "App"], "Error: no account with login 'nobody'"),
        (
            ["--login", "gone@example.org", "--name", "App"],
            "Error: account 'gone@example.org' is deactivated",
        ),
        (
            ["--login", "owner@example.org", "--name", "App", "--scopes", "read admin"],
            "Error: unknown scope 'admin'; scopes are read, write, bank (e.g. \"read write\")",
        ),
        (
            ["--login", "owner@example.org", "--name", "App", "--scopes", " "],
            'Error: --scopes can\'t be blank; use e.g. "read write"',
        ),
        (["--login", "owner@example.org", "--name", " "], "Error: Name can't be blank"),
    ]
    for args, message in cases:
        result = await invoke("admin", "create-application", *args)
        assert result.exit_code == 1, args
        assert error_line(result) == message
    async with runtime.db.session() as session:
        assert (await session.scalars(select(Application))).all() == []


async def test_set_subscription(
    invoke: Invoke, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    site = await create_site(runtime, name="Harbor Referees")
    member = await create_member(runtime, site, assignor=True)
    user_path = f"/api/v2/users/{member.user.id}"
    assert (await client.get(user_path, headers=member.headers)).status_code == 200

    result = await invoke(
        "admin",
        "set-subscription",
        str(site.id),
        "--status",
        "expired",
        "--expires-on",
        "2026-01-31",
        "--plan",
        "Club",
        "--official-limit",
        "40",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"site {site.id} (Harbor Referees): subscription expired, expires 2026-01-31, "
        "not active (402)"
    )
    async with runtime.db.session() as session:
        stored = await session.get(Site, site.id)
    assert stored is not None
    assert stored.subscription_status == "expired"
    assert stored.subscription_plan == "Club"
    assert stored.official_limit == 40
    assert stored.expires_on is not None and stored.expires_on.isoformat() == "2026-01-31"
    lapsed = await client.get(user_path, headers=member.headers)
    assert lapsed.status_code == 402

    result = await invoke(
        "admin",
        "set-subscription",
        str(site.id),
        "--status",
        "active",
        "--expires-on",
        "none",
        "--plan",
        "none",
        "--official-limit",
        "none",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("subscription active, expires never, active")
    assert (await client.get(user_path, headers=member.headers)).status_code == 200


async def test_set_subscription_errors(invoke: Invoke, runtime: Runtime) -> None:
    site = await create_site(runtime)
    cases = [
        ([str(site.id + 1000), "--status", "trial"], 1, f"Error: no site with id {site.id + 1000}"),
        (["0", "--status", "trial"], 1, "Error: no site with id 0"),
        (
            [str(site.id)],
            1,
            "Error: nothing to change: give --status, --expires-on, --plan or --official-limit",
        ),
        ([str(site.id), "--expires-on", "31.01.2026"], 1, "Error: Expires on is not a valid date"),
        ([str(site.id), "--official-limit", "many"], 1, "Error: Official limit is not a number"),
    ]
    for args, code, message in cases:
        result = await invoke("admin", "set-subscription", *args)
        assert result.exit_code == code, (args, result.output)
        assert error_line(result) == message
    result = await invoke("admin", "set-subscription", str(site.id), "--status", "bogus")
    assert result.exit_code == 2
    assert "'bogus' is not one of 'active', 'trial', 'expired', 'suspended'" in result.output
    result = await invoke("admin", "set-subscription", "seven", "--status", "trial")
    assert result.exit_code == 2
    async with runtime.db.session() as session:
        stored = await session.get(Site, site.id)
    assert stored is not None and stored.subscription_status == "active"


async def test_create_site_and_admin_maintenance(
    invoke: Invoke, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await create_account(runtime, login="pat.morgan", email="pat@example.org")
    result = await invoke(
        "admin",
        "create-site",
        "--login",
        "Pat.Morgan",
        "--name",
        " Valley League ",
        "--timezone",
        "America/Chicago",
    )
    assert result.exit_code == 0, result.output
    async with runtime.db.session() as session:
        site = await session.scalar(select(Site).where(Site.name == "Valley League"))
    assert site is not None and site.timezone == "America/Chicago"
    assert result.stdout.strip() == (
        f"created site {site.id} (Valley League, America/Chicago) with assignor pat.morgan"
    )
    bad = await invoke(
        "admin", "create-site", "--login", "pat.morgan", "--name", "X", "--timezone", "Mars/Base"
    )
    assert bad.exit_code == 1
    assert error_line(bad) == "Error: Timezone is invalid"
    nobody = await invoke("admin", "create-site", "--login", "nobody", "--name", "X")
    assert nobody.exit_code == 1 and error_line(nobody) == "Error: no account with login 'nobody'"
    on = await invoke("admin", "maintenance", "on")
    assert on.exit_code == 0, on.output
    assert (await client.get("/healthz")).json() == {"status": "maintenance"}
    off = await invoke("admin", "maintenance", "off")
    assert off.exit_code == 0
    assert (await client.get("/healthz")).json() == {"status": "ok"}
