"""Issue 9 item 1: ``refdesk admin invite`` prints a one-time link at which the invited person
sets the password of their account (``/invitations?token=...``, an HTML page)."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from refdesk.server.accounts.models import Account, Invitation
from refdesk.server.db.base import utcnow
from refdesk.server.events.models import MailJob
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site
from tests.support.cli import Invoke, error_line
from tests.support.oauth import hidden_fields, login_form, sign_in, signed_in
from tests.support.web import assert_signed_in_by_link

LINK = re.compile(r"^https://testserver/invitations\?token=([0-9a-f]{64})$")
NEW_PASSWORD = "my very own password"


async def invite(invoke: Invoke, login: str) -> str:
    """The token of a new invitation link."""
    result = await invoke("admin", "invite", "--login", login, "--base-url", "https://testserver")
    assert result.exit_code == 0, result.output
    match = LINK.match(result.stdout.strip())
    assert match, result.stdout
    assert "works once" in result.stderr
    return match.group(1)


def page(client: httpx.AsyncClient, token: str) -> Awaitable[httpx.Response]:
    return client.get("/invitations", params={"token": token})


def submit(client: httpx.AsyncClient, token: str, **form: str) -> Awaitable[httpx.Response]:
    """The form as the page posts it: the token in the body, never in the URL."""
    return client.post("/invitations", data={"token": token, **form})


async def new_user(client: httpx.AsyncClient, runtime: Runtime, email: str) -> dict[str, object]:
    site = await create_site(runtime)
    admin = await create_member(runtime, site, assignor=True, official=False)
    created = await client.post(
        f"/api/v2/sites/{site.id}/users",
        json={"first_name": "Kim", "last_name": "Park", "email": email},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    body: dict[str, object] = created.json()
    assert body["password_set"] == "false"
    return {**body, "headers": admin.headers}


async def test_hole_1_invitation_link_lets_the_person_set_the_password_once(
    invoke: Invoke, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await new_user(client, runtime, "kim@example.org")
    token = await invite(invoke, "KIM@example.org")

    shown_form = await page(client, token)
    assert shown_form.status_code == 200
    assert shown_form.headers["content-type"].startswith("text/html")
    assert shown_form.headers["cache-control"] == "no-store"
    assert shown_form.headers["referrer-policy"] == "no-referrer"
    assert 'name="password_confirmation"' in shown_form.text
    assert "kim@example.org" in shown_form.text
    assert hidden_fields(shown_form.text) == {"token": token}
    assert 'action="/invitations"' in shown_form.text
    for form, message in (
        ({"password": "short", "password_confirmation": "short"}, "too short"),
        ({"password": NEW_PASSWORD, "password_confirmation": "other"}, "differ"),
        ({}, "be blank"),
    ):
        retry = await submit(client, token, **form)
        assert retry.status_code == 200 and message in retry.text, retry.text
        assert hidden_fields(retry.text) == {"token": token}
    done = await submit(client, token, password=NEW_PASSWORD, password_confirmation=NEW_PASSWORD)
    await assert_signed_in_by_link(client, done, "Your password is set and you are signed in")
    assert NEW_PASSWORD not in done.text and token not in done.text

    # Used: the link is gone, for reading and for a second password.
    for again in (
        await page(client, token),
        await submit(client, token, password="x" * 10, password_confirmation="x" * 10),
    ):
        assert again.status_code == 200 and "This invitation was already used" in again.text
        assert 'href="/password-reset"' in again.text and 'name="password"' not in again.text
    shown = await client.get(f"/api/v2/users/{user['id']}", headers=user["headers"])  # type: ignore[arg-type]
    assert shown.json()["password_set"] == "true"
    owner = await create_account(runtime)
    form = await login_form(client, runtime, owner)
    assert signed_in(await sign_in(client, form, "kim@example.org", NEW_PASSWORD))

    has_one = await invoke(
        "admin", "invite", "--login", "kim@example.org", "--base-url", "https://x"
    )
    assert has_one.exit_code == 1
    assert error_line(has_one) == "Error: account 'kim@example.org' already has a password"


async def test_hole_1_invitation_links_expire_and_a_new_one_replaces_the_old(
    invoke: Invoke, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await new_user(client, runtime, "lee@example.org")
    first = await invite(invoke, "lee@example.org")
    second = await invite(invoke, "lee@example.org")
    replaced = await page(client, first)
    assert replaced.status_code == 200 and "already used" in replaced.text
    assert 'name="password"' not in replaced.text
    assert (await page(client, second)).status_code == 200
    assert (await page(client, "0" * 64)).status_code == 404  # unknown
    async with runtime.db.transaction() as session:
        await session.execute(
            update(Invitation)
            .where(Invitation.used_at.is_(None))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        stored = (await session.execute(select(Invitation.token_hash))).scalars().all()
    expired = await submit(
        client, second, password=NEW_PASSWORD, password_confirmation=NEW_PASSWORD
    )
    assert expired.status_code == 200 and "This invitation has expired" in expired.text
    assert "Ask your assignor to send a new one" in expired.text
    # Only HMACs of the tokens are stored.
    assert first not in stored and second not in stored
    async with runtime.db.session() as session:
        account = await session.scalar(select(Account).where(Account.login == "lee@example.org"))
    assert account is not None and account.password_hash is None


async def test_hole_1_unknown_or_malformed_invitation_links_are_404(
    client: httpx.AsyncClient,
) -> None:
    for token in ("0" * 64, "not-a-token", ""):
        for response in (await page(client, token), await submit(client, token)):
            assert response.status_code == 404
            assert response.json()["error"] == "not_found"
    for response in (await client.get("/invitations"), await client.post("/invitations")):
        assert response.status_code == 404


async def test_invite_command_errors(invoke: Invoke, runtime: Runtime) -> None:
    await create_account(runtime, login="sleeper", active=False)
    cases = [
        (["--login", "nobody@example.org", "--base-url", "https://x"], "no account with login"),
        (["--login", "sleeper", "--base-url", "https://x"], "is deactivated"),
        (["--login", "sleeper"], "--base-url"),
        (["--login", "sleeper", "--base-url", "ftp://x"], "must start with https://"),
    ]
    for args, message in cases:
        result = await invoke("admin", "invite", *args)
        assert result.exit_code == 1, result.output
        assert message in error_line(result)


async def test_invite_send_queues_the_invitation_email_with_the_printed_link(
    invoke: Invoke, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await new_user(client, runtime, "ray@example.org")
    result = await invoke(
        "admin",
        "invite",
        "--login",
        "ray@example.org",
        "--base-url",
        "https://testserver",
        "--send",
    )
    assert result.exit_code == 0, result.output
    match = LINK.match(result.stdout.strip())
    assert match, result.stdout
    assert "Queued an invitation e-mail to ray@example.org" in result.stderr

    async with runtime.db.session() as session:
        (job,) = (await session.scalars(select(MailJob))).all()
    assert (job.kind, job.to_address, job.site_id) == ("invitation", "ray@example.org", None)
    assert result.stdout.strip() in job.text_body
    assert job.html_body is not None and result.stdout.strip() in job.html_body
    assert job.subject == "Set your refdesk password"
    assert (await page(client, match.group(1))).status_code == 200

    # Without --send nothing is queued (the operator passes the link on).
    await invite(invoke, "ray@example.org")
    async with runtime.db.session() as session:
        assert len((await session.scalars(select(MailJob))).all()) == 1
