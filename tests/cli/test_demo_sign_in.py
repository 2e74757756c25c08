"""``refdesk demo credentials``: a login and password per demo role (``logins`` in demo.json,
0600; argon2 in the database), usable at once to sign in; kept across starts, replaced when the
file is lost or the password changed."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from refdesk.server.accounts.models import Account
from refdesk.server.runtime import Runtime
from tests.factories import create_account
from tests.support.cli import Invoke
from tests.support.mail import mail_jobs
from tests.support.oauth import login_form, refused_as_incorrect, sign_in, signed_in
from tests.support.resets import ask_for_reset, reset_token

ROLES = [
    "assignor",
    "manager",
    "official",
    "observer",
    "other_site_assignor",
    "lapsed_site_assignor",
]


async def seeded(invoke: Invoke, tmp_path: Path) -> dict[str, Any]:
    result = await invoke("demo", "seed")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads((tmp_path / "demo.json").read_text())
    return document


async def test_each_demo_role_signs_in_with_the_printed_password(
    invoke: Invoke, runtime: Runtime, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    document = await seeded(invoke, tmp_path)
    assert stat.S_IMODE((tmp_path / "demo.json").stat().st_mode) == 0o600
    printed = await invoke("demo", "credentials")
    assert printed.exit_code == 0, printed.output
    logins = json.loads(printed.stdout)["logins"]
    assert logins == document["logins"]
    assert list(logins) == ROLES
    # The existing readers find what they always found.
    assert set(document["clients"]) == set(ROLES)
    for role, entry in logins.items():
        assert set(entry) == {"login", "password", "site_id", "user_id"}
        assert entry["site_id"] == document["clients"][role]["site_id"]
        assert entry["user_id"] == document["clients"][role]["user_id"]
        assert len(entry["password"]) >= 16
    assert len({entry["password"] for entry in logins.values()}) == len(ROLES)

    async with runtime.db.session() as session:
        stored = {
            a.login: a.password_hash
            for a in await session.scalars(
                select(Account).where(Account.login.in_([e["login"] for e in logins.values()]))
            )
        }
    for entry in logins.values():
        digest = stored[entry["login"]]
        assert digest is not None and digest.startswith("$argon2id$")
        assert entry["password"] not in digest

    form = await login_form(client, runtime, await create_account(runtime))
    for role, entry in logins.items():
        assert signed_in(await sign_in(client, form, entry["login"], entry["password"])), role
    assert refused_as_incorrect(
        await sign_in(client, form, logins["official"]["login"], logins["assignor"]["password"])
    )

    table = await invoke("demo", "credentials", "--table")
    assert table.exit_code == 0, table.output
    for role, entry in logins.items():
        line = next(x for x in table.stdout.splitlines() if x.split()[:1] == [role])
        assert line.split()[1:] == [entry["login"], entry["password"]]


async def test_passwords_survive_a_restart_and_are_replaced_when_lost_or_changed(
    invoke: Invoke, runtime: Runtime, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    first = (await seeded(invoke, tmp_path))["logins"]
    assert (await seeded(invoke, tmp_path))["logins"] == first

    # The file is lost: new passwords, the old ones stop working; the clients are rotated too.
    (tmp_path / "demo.json").unlink()
    second = (await seeded(invoke, tmp_path))["logins"]
    form = await login_form(client, runtime, await create_account(runtime))
    official = second["official"]
    assert official["login"] == first["official"]["login"]
    assert official["password"] != first["official"]["password"]
    assert refused_as_incorrect(
        await sign_in(client, form, official["login"], first["official"]["password"])
    )
    assert signed_in(await sign_in(client, form, official["login"], official["password"]))

    # The demo official resets the password: the next start puts a working one in demo.json.
    assert (await ask_for_reset(client, official["login"])).status_code == 200
    (job,) = await mail_jobs(runtime)
    token = reset_token(job.text_body)
    chosen = "chosen by the official"
    done = await client.post(
        "/password-reset/new",
        data={"token": token, "password": chosen, "password_confirmation": chosen},
    )
    assert done.status_code == 303, done.text  # set, and signed in: to the home page
    client.cookies.delete("refdesk_session")  # the reset signed this client in
    third = (await seeded(invoke, tmp_path))["logins"]
    assert third["assignor"] == second["assignor"]
    assert third["official"]["password"] not in (chosen, official["password"])
    assert signed_in(await sign_in(client, form, official["login"], third["official"]["password"]))
