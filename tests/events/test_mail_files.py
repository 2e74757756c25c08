"""Without a mail server (no ``mail_host``), every e-mail becomes an ``.eml`` file under
``<data dir>/mail/``: the bytes SMTP would carry, private to the server's user. And a site
message's ``delivery_status`` follows its e-mails (sent, failed, not configured)."""

from __future__ import annotations

import re
import stat
from collections.abc import AsyncIterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import update

from refdesk.server.events.mail_sender import rolled_up, send_due
from refdesk.server.events.models import MailJob
from refdesk.server.messages.models import Message
from refdesk.server.runtime import Runtime
from tests.factories import create_site
from tests.support.mail import mail_job, make_due, queue_mail, send_all
from tests.support.smtp import SmtpServer, running_smtp, use_smtp

NAME = re.compile(r"^\d{8}T\d{6}Z-(\d+)-([a-z_]+)\.eml$")


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    async with running_smtp() as server:
        yield server


def parse(data: bytes) -> EmailMessage:
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


async def test_without_a_mail_server_mail_is_written_to_private_eml_files(
    runtime: Runtime,
) -> None:
    assert not runtime.settings.mail_configured
    invitation = await queue_mail(
        runtime, kind="invitation", subject="Riverside: set your refdesk password"
    )
    digest = await queue_mail(runtime, kind="digest", to_address="lee@example.org", html_body=None)

    assert await send_due(runtime, "worker-1") == 2

    folder = runtime.settings.data_dir / "mail"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(folder.iterdir())  # and no temporary file left behind
    matches = [(NAME.match(path.name), path.name) for path in files]
    assert [found.groups() if found else name for found, name in matches] == [
        (str(invitation), "invitation"),
        (str(digest), "digest"),
    ]
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    first = parse(files[0].read_bytes())
    assert first["To"] == "kim@example.org"
    assert first["Subject"] == "Riverside: set your refdesk password"
    assert first["From"] == runtime.settings.mail_from
    assert first.get_content_type() == "multipart/alternative"
    html = first.get_body(("html",))
    assert html is not None and "<b>game</b>" in html.get_content()
    second = parse(files[1].read_bytes())
    assert second["To"] == "lee@example.org" and second.get_content_type() == "text/plain"

    for job_id in (invitation, digest):
        job = await mail_job(runtime, job_id)
        assert (job.status, job.attempts, job.last_error) == ("not_configured", 1, None)
    assert await send_due(runtime, "worker-1") == 0


async def test_the_file_holds_the_bytes_smtp_carries(runtime: Runtime, smtp: SmtpServer) -> None:
    subject = "Spielplanänderung für Samstag, Sportplatz Nord und Süd, Feld 3 statt Feld 1"
    job_id = await queue_mail(runtime, subject=subject)
    await send_due(runtime, "worker-1")
    (path,) = (runtime.settings.data_dir / "mail").iterdir()

    # The same job once more, now through the SMTP server.
    async with runtime.db.transaction() as session:
        await session.execute(
            update(MailJob).where(MailJob.id == job_id).values(status="queued", attempts=0)
        )
    await make_due(runtime)
    use_smtp(runtime, smtp, mail_from=runtime.settings.mail_from)
    await send_due(runtime, "worker-1")

    (received,) = smtp.received
    assert received.data == path.read_bytes()
    assert parse(received.data)["Subject"] == subject


async def message_of(runtime: Runtime, site_id: int) -> int:
    async with runtime.db.transaction() as session:
        message = Message(
            site_id=site_id,
            recipient_ids=[],
            subject="Field change",
            body="Games at Riverside move to Field 3.",
            delivery_status="queued",
        )
        session.add(message)
        await session.flush()
        return message.id


async def delivery_status(runtime: Runtime, message_id: int) -> str:
    async with runtime.db.session() as session:
        message = await session.get(Message, message_id)
        assert message is not None
        return message.delivery_status


async def queue_message_mail(runtime: Runtime, message_id: int, *addresses: str) -> None:
    for address in addresses:
        await queue_mail(
            runtime, kind="message", message_id=message_id, to_address=address, html_body=None
        )


async def test_a_message_is_sent_once_all_its_mail_is(runtime: Runtime, smtp: SmtpServer) -> None:
    site = await create_site(runtime)
    use_smtp(runtime, smtp)
    message_id = await message_of(runtime, site.id)
    await queue_message_mail(runtime, message_id, "a@example.org", "b@example.org")
    smtp.reject_next("450 4.2.0 Mailbox busy")

    await send_due(runtime, "worker-1")
    assert await delivery_status(runtime, message_id) == "queued"  # b waits for a retry

    await make_due(runtime)
    await send_due(runtime, "worker-1")
    assert await delivery_status(runtime, message_id) == "sent"


async def test_a_message_fails_when_any_of_its_mail_does(
    runtime: Runtime, smtp: SmtpServer
) -> None:
    site = await create_site(runtime)
    use_smtp(runtime, smtp)
    message_id = await message_of(runtime, site.id)
    await queue_message_mail(runtime, message_id, "gone@example.org", "b@example.org")
    smtp.reject_next("550 5.1.1 No such user")
    await send_all(runtime)
    assert await delivery_status(runtime, message_id) == "failed"
    assert [r.rcpt_tos for r in smtp.received] == [["b@example.org"]]


async def test_a_message_written_to_files_is_not_configured(runtime: Runtime) -> None:
    site = await create_site(runtime)
    message_id = await message_of(runtime, site.id)
    other = await message_of(runtime, site.id)
    await queue_message_mail(runtime, message_id, "a@example.org", "b@example.org")
    await send_all(runtime)
    assert await delivery_status(runtime, message_id) == "not_configured"
    assert await delivery_status(runtime, other) == "queued"  # no mail of its own: untouched


def test_roll_up_rules() -> None:
    assert rolled_up({}) is None
    assert rolled_up({"queued": 1, "sent": 3}) is None
    assert rolled_up({"queued": 1, "failed": 1}) is None
    assert rolled_up({"sent": 2}) == "sent"
    assert rolled_up({"sent": 2, "failed": 1, "not_configured": 1}) == "failed"
    assert rolled_up({"sent": 2, "not_configured": 1}) == "not_configured"
