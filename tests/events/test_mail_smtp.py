"""Sending mail jobs over SMTP (``events/mail_sender.send_due``) to a real aiosmtpd server:
the message as it arrives, TLS and login, and what a refusal or an outage does to a job."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from refdesk.server.db.base import utcnow
from refdesk.server.events.mail_sender import send_due
from refdesk.server.runtime import Runtime
from tests.support.mail import mail_job, mail_jobs, make_due, queue_mail, send_all
from tests.support.smtp import SmtpServer, running_smtp, use_smtp


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    async with running_smtp() as server:
        yield server


def trust(monkeypatch: pytest.MonkeyPatch, server: SmtpServer) -> None:
    """Make the server's test CA the one OpenSSL's default verify paths read."""
    assert server.ca_file is not None
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))


async def test_jobs_arrive_with_their_headers_and_both_parts(
    runtime: Runtime, smtp: SmtpServer
) -> None:
    use_smtp(runtime, smtp)
    assigned = await queue_mail(runtime, subject="Game on Saturday – Riverside Park")
    personal = await queue_mail(
        runtime,
        kind="message",
        to_address="lee@example.org",
        subject="Field change",
        text_body="Games at Riverside move to Field 3.\n",
        html_body=None,
    )

    assert await send_due(runtime, "worker-1") == 2
    assert await send_due(runtime, "worker-1") == 0

    first, second = smtp.received
    assert first.mail_from == "noreply@refdesk.test"
    assert first.rcpt_tos == ["kim@example.org"]
    mail = first.message
    assert mail["From"] == "Refdesk Test <noreply@refdesk.test>"
    assert mail["To"] == "kim@example.org"
    assert mail["Subject"] == "Game on Saturday – Riverside Park"
    assert mail["Date"] and mail["Message-ID"].endswith("@refdesk.test>")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in mail.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().replace("\r\n", "\n") == "Hello Kim,\nyou are on a game.\n"
    assert "<b>game</b>" in html.get_content()

    # A site's message, written by a person: plain text only, no Auto-Submitted.
    message = second.message
    assert second.rcpt_tos == ["lee@example.org"]
    assert message.get_content_type() == "text/plain"
    assert "Auto-Submitted" not in message
    assert message["Message-ID"] != mail["Message-ID"]

    for job in (await mail_job(runtime, assigned), await mail_job(runtime, personal)):
        assert (job.status, job.attempts, job.last_error) == ("sent", 1, None)
        assert job.sent_at is not None and job.locked_by is None


async def test_a_temporary_refusal_is_retried_on_the_schedule_then_sent(
    runtime: Runtime, smtp: SmtpServer
) -> None:
    use_smtp(runtime, smtp)
    job_id = await queue_mail(runtime)
    smtp.reject_next("451 4.3.0 Mailbox busy, try again later")

    before = utcnow()
    assert await send_due(runtime, "worker-1") == 1
    job = await mail_job(runtime, job_id)
    assert (job.status, job.attempts) == ("queued", 1)
    assert job.last_error == "451 4.3.0 Mailbox busy, try again later"
    first_delay = runtime.settings.retry_delays[0]
    assert job.next_attempt_at >= before + timedelta(seconds=first_delay)
    assert await send_due(runtime, "worker-1") == 0  # not due yet
    assert smtp.received == []

    await make_due(runtime)
    assert await send_due(runtime, "worker-1") == 1
    job = await mail_job(runtime, job_id)
    assert (job.status, job.attempts, job.last_error) == ("sent", 2, None)
    assert len(smtp.received) == 1


async def test_a_permanent_refusal_fails_at_once(runtime: Runtime, smtp: SmtpServer) -> None:
    use_smtp(runtime, smtp)
    unknown = await queue_mail(runtime, to_address="nobody@example.org")
    spam = await queue_mail(runtime, to_address="lee@example.org")
    fine = await queue_mail(runtime, to_address="kim@example.org")
    smtp.reject_next("550 5.1.1 No such user here")
    smtp.reject_next("554 5.7.1 Message rejected as spam", at="DATA")

    assert await send_all(runtime) == 3
    for job_id, error in (
        (unknown, "550 5.1.1 No such user here"),
        (spam, "554 5.7.1 Message rejected as spam"),
    ):
        job = await mail_job(runtime, job_id)
        assert (job.status, job.attempts, job.last_error) == ("failed", 1, error)
    # The connection stays usable after a refusal: the next job of the batch goes through.
    assert (await mail_job(runtime, fine)).status == "sent"
    assert [r.rcpt_tos for r in smtp.received] == [["kim@example.org"]]


async def test_after_the_last_attempt_a_job_fails(runtime: Runtime, smtp: SmtpServer) -> None:
    use_smtp(runtime, smtp, webhook_retry_delays="0,0")
    job_id = await queue_mail(runtime)
    smtp.reject_next("421 4.7.0 Try again later", times=3)

    assert await send_all(runtime) == 3  # attempts 1, 2 and 3 (two retries)
    job = await mail_job(runtime, job_id)
    assert (job.status, job.attempts) == ("failed", 3)
    assert job.last_error == "421 4.7.0 Try again later"
    assert smtp.received == []


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_server_delays_the_whole_batch(
    runtime: Runtime, smtp: SmtpServer
) -> None:
    use_smtp(runtime, smtp, mail_port=closed_port())
    ids = [await queue_mail(runtime, to_address=f"p{n}@example.org") for n in range(3)]

    assert await send_due(runtime, "worker-1") == 3
    for job in await mail_jobs(runtime):
        assert (job.status, job.attempts) == ("queued", 1)
        assert job.last_error == "connection failed: Connection refused"
    # The server is back: the next round sends them.
    use_smtp(runtime, smtp)
    await make_due(runtime)
    assert await send_all(runtime) == 3
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [f"p{n}@example.org" for n in range(3)]
    assert {(await mail_job(runtime, i)).status for i in ids} == {"sent"}


async def test_starttls_and_login(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "correct horse battery staple"
    async with running_smtp(
        security="starttls", tls_dir=tmp_path / "smtp", user="relay", password=secret
    ) as server:
        trust(monkeypatch, server)
        use_smtp(runtime, server)
        await queue_mail(runtime)
        assert await send_due(runtime, "worker-1") == 1
        (received,) = server.received
        assert received.login == "relay"
        assert received.message["To"] == "kim@example.org"

        # A wrong password: retried later; the error names the refusal, not the password.
        use_smtp(runtime, server, mail_password=SecretStr("wrong password"))
        job_id = await queue_mail(runtime)
        assert await send_due(runtime, "worker-1") == 1
        job = await mail_job(runtime, job_id)
        assert (job.status, job.last_error) == ("queued", "SMTP login refused (535)")
        assert len(server.received) == 1


async def test_starttls_never_falls_back_to_plain_text(runtime: Runtime, smtp: SmtpServer) -> None:
    use_smtp(runtime, smtp, mail_security="starttls")  # a server without STARTTLS
    job_id = await queue_mail(runtime)
    assert await send_due(runtime, "worker-1") == 1
    job = await mail_job(runtime, job_id)
    assert job.status == "queued"
    assert job.last_error is not None and "STARTTLS" in job.last_error
    assert smtp.received == []


async def test_an_untrusted_certificate_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    async with running_smtp(security="starttls", tls_dir=tmp_path / "smtp") as server:
        use_smtp(runtime, server)  # the test CA is not trusted
        job_id = await queue_mail(runtime)
        assert await send_due(runtime, "worker-1") == 1
        job = await mail_job(runtime, job_id)
        assert job.status == "queued"
        assert job.last_error is not None
        assert job.last_error.startswith("TLS certificate not trusted")
        assert server.received == []


async def test_implicit_tls_with_login(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_smtp(
        security="tls", tls_dir=tmp_path / "smtp", user="relay", password="pw"
    ) as server:
        trust(monkeypatch, server)
        use_smtp(runtime, server)
        await queue_mail(runtime)
        assert await send_due(runtime, "worker-1") == 1
        (received,) = server.received
        assert received.login == "relay"


async def test_an_address_that_is_none_fails_without_trying(
    runtime: Runtime, smtp: SmtpServer
) -> None:
    use_smtp(runtime, smtp)
    job_id = await queue_mail(runtime, to_address="kim@example.org\r\nBcc: all@example.org")
    idn = await queue_mail(runtime, to_address="kim@bücher.example")
    assert await send_all(runtime) == 2
    job = await mail_job(runtime, job_id)
    assert (job.status, job.last_error) == ("failed", "invalid recipient address")
    # An internationalised domain travels in its ASCII (IDNA) form.
    assert (await mail_job(runtime, idn)).status == "sent"
    assert [r.rcpt_tos for r in smtp.received] == [["kim@xn--bcher-kva.example"]]
