"""Invitations by e-mail (``send_authorization_email``, contract §17.1): creating or updating
a user queues an ``invitation`` e-mail with a one-time link, in the same transaction; the
link in the e-mail that arrives sets the password, and the person then signs in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from refdesk.server.accounts.invitation_mail import Invites
from refdesk.server.accounts.models import Invitation
from refdesk.server.events.mail_sender import send_due
from refdesk.server.events.models import MailJob
from refdesk.server.runtime import Runtime
from refdesk.server.users import service
from refdesk.server.users.schemas import parse_user_create
from tests.factories import Member, create_account, create_member, create_site
from tests.support.mail import mail_jobs
from tests.support.oauth import login_form, sign_in, signed_in
from tests.support.services import principal_of
from tests.support.smtp import SmtpServer, running_smtp, use_smtp
from tests.support.web import assert_signed_in_by_link

LINK = re.compile(r"https://testserver/invitations\?token=([0-9a-f]{64})")
NEW_PASSWORD = "my very own password"
KIM = {"first_name": "Kim", "last_name": "Park", "email": "kim@example.org"}


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    async with running_smtp() as server:
        yield server


async def site_admin(runtime: Runtime) -> tuple[int, Member]:
    site = await create_site(runtime, name="Riverside Referees")
    return site.id, await create_member(runtime, site, assignor=True, official=False)


async def create_kim(
    client: httpx.AsyncClient, site_id: int, admin: Member, **extra: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v2/sites/{site_id}/users", json={**KIM, **extra}, headers=admin.headers
    )


def token_in(text: str) -> str:
    found = LINK.findall(text)
    assert found, text
    assert len(set(found)) == 1
    return str(found[0])


async def invitation_count(runtime: Runtime) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Invitation)) or 0)


async def test_the_invitation_email_lets_the_person_set_a_password_and_sign_in(
    client: httpx.AsyncClient, runtime: Runtime, smtp: SmtpServer
) -> None:
    use_smtp(runtime, smtp)
    site_id, admin = await site_admin(runtime)

    created = await create_kim(client, site_id, admin, send_authorization_email="true")
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["password_set"] == "false"
    (job,) = await mail_jobs(runtime)
    assert (job.kind, job.to_address, job.site_id, job.user_id, job.status) == (
        "invitation",
        "kim@example.org",
        site_id,
        user["id"],
        "queued",
    )

    assert await send_due(runtime, "worker-1") == 1
    (received,) = smtp.received
    mail = received.message
    assert received.rcpt_tos == ["kim@example.org"]
    assert mail["Subject"] == "Riverside Referees: set your refdesk password"
    assert mail["Auto-Submitted"] == "auto-generated"
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain is not None and html is not None
    text = plain.get_content()
    inviter = f"{admin.user.first_name} {admin.user.last_name}"
    assert f"Hello Kim,\r\n\r\n{inviter} added you to Riverside Referees" in text
    assert "expires in 7 days" in text
    assert "invited kim@example.org" in text  # the footer: why this mail
    token = token_in(text)
    assert token_in(html.get_content()) == token
    assert "Riverside Referees" in html.get_content()

    page = await client.get("/invitations", params={"token": token})
    assert page.status_code == 200 and "kim@example.org" in page.text
    done = await client.post(
        "/invitations",
        data={"token": token, "password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
    )
    await assert_signed_in_by_link(client, done, "Your password is set and you are signed in")

    owner = await create_account(runtime)
    form = await login_form(client, runtime, owner)
    assert signed_in(await sign_in(client, form, "kim@example.org", NEW_PASSWORD))
    shown = await client.get(f"/api/v2/users/{user['id']}", headers=admin.headers)
    assert shown.json()["password_set"] == "true"


async def test_no_invitation_unless_asked_for_and_the_account_has_no_password(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, admin = await site_admin(runtime)
    assert (await create_kim(client, site_id, admin)).status_code == 201
    other = {**KIM, "email": "lee@example.org", "first_name": "Lee"}
    asked_not = await client.post(
        f"/api/v2/sites/{site_id}/users",
        json={"user": {**other, "send_authorization_email": False}},
        headers=admin.headers,
    )
    assert asked_not.status_code == 201
    # Accounts that already have a password, or are deactivated, get no invitation.
    await create_account(runtime, email="pat@example.org", login="pat", password="pat's own")
    await create_account(runtime, email="sam@example.org", login="sam", active=False)
    for email in ("pat@example.org", "sam@example.org"):
        linked = await client.post(
            f"/api/v2/sites/{site_id}/users",
            json={**KIM, "email": email, "first_name": email[:3], "send_authorization_email": 1},
            headers=admin.headers,
        )
        assert linked.status_code == 201, linked.text

    assert await mail_jobs(runtime) == []
    assert await invitation_count(runtime) == 0


async def test_a_refused_request_queues_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, admin = await site_admin(runtime)
    refused = await client.post(
        f"/api/v2/sites/{site_id}/users",
        json={"first_name": "Kim", "email": "kim@example.org", "send_authorization_email": True},
        headers=admin.headers,
    )
    assert refused.status_code == 422
    assert "last_name" in refused.json()["errors"]
    bad_flag = await create_kim(client, site_id, admin, send_authorization_email="perhaps")
    assert bad_flag.status_code == 422
    assert bad_flag.json()["errors"] == {"send_authorization_email": ["is not a valid boolean"]}
    assert await mail_jobs(runtime) == []
    assert await invitation_count(runtime) == 0


async def test_an_update_sends_a_new_invitation_to_the_accounts_own_address(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, admin = await site_admin(runtime)
    created = await create_kim(client, site_id, admin, send_authorization_email=True)
    user_id = created.json()["id"]
    (first,) = await mail_jobs(runtime)

    # The admin changes the profile's address and asks again: the invitation still goes to
    # the account's own address (a site admin must not be able to redirect it).
    updated = await client.put(
        f"/api/v2/users/{user_id}",
        json={"user": {"email": "someone.else@example.org", "send_authorization_email": "Y"}},
        headers=admin.headers,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["email_addresses"] == ["someone.else@example.org"]
    jobs = await mail_jobs(runtime)
    assert [job.to_address for job in jobs] == ["kim@example.org", "kim@example.org"]
    old, new = token_in(first.text_body), token_in(jobs[1].text_body)
    assert old != new
    replaced = await client.get("/invitations", params={"token": old})
    assert replaced.status_code == 200 and "already used" in replaced.text
    assert (await client.get("/invitations", params={"token": new})).status_code == 200

    # Only the flag: no other change, one more invitation; an invalid flag is a 422.
    again = await client.patch(
        f"/api/v2/users/{user_id}", json={"send_authorization_email": True}, headers=admin.headers
    )
    assert again.status_code == 200
    bad = await client.patch(
        f"/api/v2/users/{user_id}", json={"send_authorization_email": "?"}, headers=admin.headers
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"send_authorization_email": ["is not a valid boolean"]}
    assert len(await mail_jobs(runtime)) == 3


async def test_the_invitation_shares_the_transaction_of_the_change(runtime: Runtime) -> None:
    site_id, admin = await site_admin(runtime)
    inp = parse_user_create({**KIM, "send_authorization_email": True})
    invites = Invites(runtime, "https://testserver")

    class LaterFailure(Exception):
        pass

    with pytest.raises(LaterFailure):
        async with runtime.db.transaction() as session:
            await service.create_user(
                session, runtime.passwords, principal_of(admin), site_id, inp, invites
            )
            await session.flush()
            assert await session.scalar(select(func.count()).select_from(MailJob)) == 1
            raise LaterFailure  # the request fails after the service: all of it rolls back
    assert await mail_jobs(runtime) == []
    assert await invitation_count(runtime) == 0
