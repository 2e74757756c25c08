"""``refdesk demo seed`` / ``demo credentials``: idempotent, deterministic demo data whose
client secrets live only in demo.json (0600) and as hashes in the database."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from refdesk.server.accounts.models import Account
from refdesk.server.auth.models import Application
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from tests.factories import create_token
from tests.support.app import empty_tables as _empty_tables
from tests.support.cli import Invoke

ROLES = {
    "assignor",
    "manager",
    "official",
    "observer",
    "other_site_assignor",
    "lapsed_site_assignor",
}


async def seed(invoke: Invoke, *args: str) -> str:
    result = await invoke("demo", "seed", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


async def counts(rt: Runtime) -> dict[str, int]:
    async with rt.db.session() as session:
        return {
            model.__tablename__: int(
                await session.scalar(select(func.count()).select_from(model)) or 0
            )
            for model in (Account, Site, User, Application)
        }


async def snapshot(rt: Runtime) -> list[tuple[Any, ...]]:
    """Everything the seed decides, without database ids (sequences differ per backend)."""
    async with rt.db.session() as session:
        rows = await session.execute(
            select(Site, User, Account)
            .join(User, User.site_id == Site.id)
            .join(Account, Account.id == User.account_id)
            .order_by(Site.id, User.id)
        )
        return [
            (
                site.name,
                site.timezone,
                site.subscription_status,
                account.login,
                user.first_name,
                user.last_name,
                user.official,
                user.assignor,
                user.manager,
                user.observer,
                user.grade,
            )
            for site, user, account in rows
        ]


def credentials(data_dir: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((data_dir / "demo.json").read_text())
    return document


async def test_seed_is_idempotent_and_writes_demo_json(
    invoke: Invoke, runtime: Runtime, tmp_path: Path
) -> None:
    assert "demo data seeded" in await seed(invoke, "--base-url", "https://localhost:9443/")
    first_counts = await counts(runtime)
    first = credentials(tmp_path)
    assert stat.S_IMODE((tmp_path / "demo.json").stat().st_mode) == 0o600

    assert "demo data already seeded" in await seed(invoke, "--base-url", "https://localhost:9443")
    assert await counts(runtime) == first_counts
    assert credentials(tmp_path) == first

    assert first["base_url"] == "https://localhost:9443/api/v2"
    assert first["token_url"] == "https://localhost:9443/oauth/token"
    assert first["ca_cert"] is None
    assert set(first["clients"]) == ROLES
    assert first_counts == {"accounts": 74, "sites": 3, "users": 74, "applications": 6}

    async with runtime.db.session() as session:
        for role, client in first["clients"].items():
            assert set(client) == {"client_id", "client_secret", "scopes", "site_id", "user_id"}
            assert client["scopes"] == "read write"
            application = await session.scalar(
                select(Application).where(Application.client_id == client["client_id"])
            )
            assert application is not None, role
            assert application.client_secret_hash != client["client_secret"]
            assert runtime.hasher.verify(client["client_secret"], application.client_secret_hash)
            user = await session.get(User, client["user_id"])
            assert user is not None
            assert user.site_id == client["site_id"]
            assert user.account_id == application.account_id
        roles = {
            role: await session.get(User, client["user_id"])
            for role, client in first["clients"].items()
        }
        sites = {
            role: await session.get(Site, client["site_id"])
            for role, client in first["clients"].items()
        }
        operators = (
            await session.scalars(select(Account.login).where(Account.operator.is_(True)))
        ).all()
    assert operators == ["jordan.ellis@example.org"]
    assert roles["assignor"] and roles["assignor"].assignor and not roles["assignor"].official
    assert roles["manager"] and roles["manager"].manager and not roles["manager"].assignor
    assert roles["official"] and roles["official"].official and not roles["official"].assignor
    assert roles["observer"] and roles["observer"].observer and not roles["observer"].official
    for role in ("assignor", "manager", "official", "observer"):
        site = sites[role]
        assert site is not None
        assert (site.name, site.timezone, site.subscription_status) == (
            "Riverside Youth Soccer Referees",
            "America/New_York",
            "active",
        )
    other, lapsed = sites["other_site_assignor"], sites["lapsed_site_assignor"]
    assert other is not None and lapsed is not None
    assert len({sites["assignor"].id, other.id, lapsed.id}) == 3  # type: ignore[union-attr]
    assert other.subscription_status == "active"
    assert lapsed.subscription_status == "expired"


async def test_missing_demo_json_rotates_the_secrets(
    invoke: Invoke, runtime: Runtime, tmp_path: Path
) -> None:
    await seed(invoke)
    before = credentials(tmp_path)
    before_counts = await counts(runtime)
    (tmp_path / "demo.json").unlink()

    await seed(invoke)
    after = credentials(tmp_path)
    assert await counts(runtime) == before_counts
    async with runtime.db.session() as session:
        for role in ROLES:
            old, new = before["clients"][role], after["clients"][role]
            assert new["client_id"] == old["client_id"]
            assert (new["site_id"], new["user_id"]) == (old["site_id"], old["user_id"])
            assert new["client_secret"] != old["client_secret"]
            application = await session.scalar(
                select(Application).where(Application.client_id == new["client_id"])
            )
            assert application is not None
            assert runtime.hasher.verify(new["client_secret"], application.client_secret_hash)
            assert not runtime.hasher.verify(old["client_secret"], application.client_secret_hash)


async def test_stale_demo_json_from_another_database_is_replaced(
    invoke: Invoke, runtime: Runtime, tmp_path: Path
) -> None:
    stale = {
        "base_url": "x",
        "clients": {"assignor": {"client_id": "a" * 43, "client_secret": "b" * 43}},
    }
    (tmp_path / "demo.json").write_text(json.dumps(stale))
    await seed(invoke)
    fresh = credentials(tmp_path)
    assert fresh["clients"]["assignor"]["client_id"] != "a" * 43
    assert set(fresh["clients"]) == ROLES


async def test_seed_is_deterministic(invoke: Invoke, runtime: Runtime, tmp_path: Path) -> None:
    await seed(invoke)
    first = await snapshot(runtime)
    first_counts = await counts(runtime)
    await _empty_tables(runtime.db)
    (tmp_path / "demo.json").unlink()
    await seed(invoke)
    assert await snapshot(runtime) == first
    assert await counts(runtime) == first_counts
    # Users come out in seed order: the assignor is the first user of the first site.
    assert first[0][3:6] == ("dana.whitfield@example.org", "Dana", "Whitfield")


async def test_demo_credentials_prints_demo_json(invoke: Invoke, tmp_path: Path) -> None:
    result = await invoke("demo", "credentials")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: no demo credentials at {tmp_path / 'demo.json'}; run `refdesk serve --demo` "
        "or `refdesk demo seed` first"
    )
    await seed(invoke)
    result = await invoke("demo", "credentials")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == credentials(tmp_path)


async def test_demo_people_see_their_sites_through_the_api(
    invoke: Invoke, runtime: Runtime, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    await seed(invoke)
    clients = credentials(tmp_path)["clients"]
    async with runtime.db.session() as session:
        accounts = {
            role: await session.scalar(
                select(Account)
                .join(Application, Application.account_id == Account.id)
                .where(Application.client_id == c["client_id"])
            )
            for role, c in clients.items()
        }
    seen: dict[str, list[str]] = {}
    for role, account in accounts.items():
        assert account is not None
        token = await create_token(runtime, account)
        response = await client.get("/api/v2/sites", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        seen[role] = [s["name"] for s in response.json()["_embedded"]["sites"]]
    assert seen["assignor"] == ["Riverside Youth Soccer Referees"]
    assert seen["official"] == [
        "Riverside Youth Soccer Referees",
        "Lakeshore Basketball Officials Association",
    ]
    assert seen["other_site_assignor"] == ["Lakeshore Basketball Officials Association"]
    assert seen["lapsed_site_assignor"] == ["Mesa Valley Lacrosse Officials"]
    lapsed = clients["lapsed_site_assignor"]
    token = await create_token(runtime, accounts["lapsed_site_assignor"])  # type: ignore[arg-type]
    response = await client.get(
        f"/api/v2/users/{lapsed['user_id']}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 402
