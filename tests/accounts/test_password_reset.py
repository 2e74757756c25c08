"""Password reset by e-mail (issue 12): the request form answers the same for every name, an
active account gets a one-time link at its own address (a real SMTP server), the link sets the
new password, and OAuth sign-in then takes the new password and refuses the old one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from refdesk.server.accounts.models import Account, Invitation
from refdesk.server.db.base import utcnow
from refdesk.server.runtime import Runtime
from tests.factories import create_account
from tests.support.mail import mail_jobs, send_all
from tests.support.oauth import login_form, refused_as_incorrect, sign_in, signed_in
from tests.support.resets import ask_for_reset, reset_token
from tests.support.smtp import SmtpServer, running_smtp, use_smtp
from tests.support.web import assert_signed_in_by_link

OLD = "the old password"
NEW = "a brand new password"


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    async with running_smtp() as server:
        yield server


async def kim(runtime: Runtime, **fields: object) -> Account:
    values: dict[str, object] = {"login": "kim", "email": "kim@example.org", "first_name": "Kim"}
    values.update(fields)
    return await create_account(runtime, password=OLD, **values)


def set_new(token: str, password: str = NEW, confirmation: str | None = None) -> dict[str, str]:
    return {
        "token": token,
        "password": password,
        "password_confirmation": password if confirmation is None else confirmation,
    }


async def test_the_request_form_sets_a_csrf_cookie_scoped_to_the_reset_pages(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/password-reset")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert 'name="csrf_token"' in page.text and 'name="login"' in page.text
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("refdesk_reset_csrf=")
    assert "Path=/password-reset" in cookie and "HttpOnly" in cookie and "Secure" in cookie


async def test_the_mailed_link_sets_the_new_password_and_sign_in_follows_it(
    client: httpx.AsyncClient, runtime: Runtime, smtp: SmtpServer
) -> None:
    use_smtp(runtime, smtp)
    await kim(runtime)
    answer = await ask_for_reset(client, "KIM@example.org ")
    assert answer.status_code == 200 and "Check your e-mail" in answer.text
    assert "expires in 1 hour" in answer.text

    assert await send_all(runtime) == 1
    (received,) = smtp.received
    mail = received.message
    assert received.rcpt_tos == ["kim@example.org"]
    assert mail["Subject"] == "Reset your refdesk password"
    assert mail["X-Refdesk-Kind"] == "password_reset"
    assert mail["Auto-Submitted"] == "auto-generated"
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain is not None and html is not None
    text = plain.get_content()
    assert text.startswith("Hello Kim,") and "(kim)" in text
    assert "expires in 1 hour" in text
    assert "ask for a new one at https://testserver/password-reset." in text
    token = reset_token(text)
    assert reset_token(html.get_content()) == token

    page = await client.get("/password-reset/new", params={"token": token})
    assert page.status_code == 200 and "Choose a new password" in page.text
    assert "<strong>kim</strong>" in page.text
    differ = await client.post("/password-reset/new", data=set_new(token, confirmation="other"))
    assert differ.status_code == 200 and "The two passwords differ." in differ.text
    short = await client.post("/password-reset/new", data=set_new(token, "short"))
    assert "The password is too short" in short.text
    done = await client.post("/password-reset/new", data=set_new(token))
    await assert_signed_in_by_link(client, done, "Every other session has ended")

    form = await login_form(client, runtime, await create_account(runtime))
    assert refused_as_incorrect(await sign_in(client, form, "kim", OLD))
    assert signed_in(await sign_in(client, form, "kim", NEW))

    # The link is used: a page that says what to do, and the password stays.
    again = await client.post("/password-reset/new", data=set_new(token, "yet another one"))
    assert again.status_code == 200 and "already used" in again.text
    assert 'href="/password-reset"' in again.text
    shown = await client.get("/password-reset/new", params={"token": token})
    assert shown.status_code == 200 and "already used" in shown.text
    assert 'name="password"' not in shown.text
    assert signed_in(await sign_in(client, form, "kim", NEW))


async def test_every_name_gets_the_same_answer_and_only_an_active_account_a_mail(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await kim(runtime)
    await create_account(runtime, login="sam", email="sam@example.org", active=False)
    await create_account(runtime, login="lee", email="lee@example.org")  # no password yet
    answers = [
        await ask_for_reset(client, name)
        for name in ("kim", "nobody@example.org", "sam", "lee@example.org", "kim@example.org")
    ]
    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    counted = ("ratelimit", "x-ratelimit-", "x-request-id", "date")  # differ per request
    headers = {
        tuple(sorted((k, v) for k, v in a.headers.items() if not k.startswith(counted)))
        for a in answers
    }
    assert len(headers) == 1, headers
    # Only kim (twice) and lee, whose account has no password yet, get a mail.
    jobs = await mail_jobs(runtime)
    assert [(j.kind, j.to_address) for j in jobs] == [
        ("password_reset", "kim@example.org"),
        ("password_reset", "lee@example.org"),
        ("password_reset", "kim@example.org"),
    ]
    # The newer link of kim withdrew the older one.
    first, last = reset_token(jobs[0].text_body), reset_token(jobs[2].text_body)
    withdrawn = await client.get("/password-reset/new", params={"token": first})
    assert withdrawn.status_code == 200 and "already used" in withdrawn.text
    assert (await client.get("/password-reset/new", params={"token": last})).status_code == 200


async def test_expired_tampered_and_foreign_tokens_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await kim(runtime)
    await ask_for_reset(client, "kim")
    (job,) = await mail_jobs(runtime)
    token = reset_token(job.text_body)

    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    for bad in (tampered, "x" * 64, token[:32], ""):
        page = await client.get("/password-reset/new", params={"token": bad})
        assert page.status_code == 404 and page.json()["error"] == "not_found"
        assert "unknown or was altered" in page.json()["message"]
        posted = await client.post("/password-reset/new", data=set_new(bad))
        assert posted.status_code == 404
    # A reset token is no invitation, and the reverse.
    assert (await client.get("/invitations", params={"token": token})).status_code == 404

    async with runtime.db.transaction() as session:
        await session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    for response in (
        await client.get("/password-reset/new", params={"token": token}),
        await client.post("/password-reset/new", data=set_new(token)),
    ):
        assert response.status_code == 200 and "has expired" in response.text
        assert 'name="password"' not in response.text
        assert "Ask for a new link" in response.text
    form = await login_form(client, runtime, await create_account(runtime))
    assert signed_in(await sign_in(client, form, "kim", OLD))


async def test_a_deactivated_account_cannot_use_its_link(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    account = await kim(runtime)
    await ask_for_reset(client, "kim")
    (job,) = await mail_jobs(runtime)
    async with runtime.db.transaction() as session:
        await session.execute(update(Account).where(Account.id == account.id).values(active=False))
    refused = await client.post("/password-reset/new", data=set_new(reset_token(job.text_body)))
    assert refused.status_code == 200 and "already used" in refused.text
    async with runtime.db.session() as session:
        stored = await session.get(Account, account.id)
        assert stored is not None and runtime.passwords.verify(OLD, stored.password_hash)


async def test_a_post_without_the_csrf_cookie_or_token_is_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await kim(runtime)
    no_cookie = await client.post("/password-reset", data={"login": "kim", "csrf_token": "x"})
    assert no_cookie.status_code == 400 and no_cookie.json()["error"] == "bad_request"
    assert "CSRF token" in no_cookie.json()["message"]
    page = await client.get("/password-reset")
    assert page.status_code == 200
    for token in ("", "0" * 64):
        wrong = await client.post("/password-reset", data={"login": "kim", "csrf_token": token})
        assert wrong.status_code == 400
    without = await client.post("/password-reset", data={"login": "kim"})
    assert without.status_code == 400
    assert await mail_jobs(runtime) == []


async def test_requests_are_throttled_per_name_known_or_not_apart_from_sign_in(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    runtime.settings.login_throttle_rules = "3/3600"
    await kim(runtime)
    for name in ("kim", "nobody@example.org"):
        statuses = [(await ask_for_reset(client, name)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429], name
    refused = await ask_for_reset(client, " KIM ")  # the same name, spelled otherwise
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    assert "password-reset requests" in refused.json()["message"]
    assert len(await mail_jobs(runtime)) == 3  # the refused requests queued nothing
    # Another name is still served, and sign-in of the throttled login is counted apart.
    assert (await ask_for_reset(client, "kim@example.org")).status_code == 200
    form = await login_form(client, runtime, await create_account(runtime))
    assert signed_in(await sign_in(client, form, "kim", OLD))
