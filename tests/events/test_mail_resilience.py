"""Sending e-mail never leaves a job claimed without a result: a failure smtplib raises as
something other than an SMTP or OS error (here a real one: a mail password that is not
ASCII, which smtplib cannot send) is an attempt to retry, recorded, and its text quotes
nothing of the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from refdesk.server.events.mail_sender import send_due
from refdesk.server.runtime import Runtime
from tests.support.mail import mail_job, queue_mail
from tests.support.smtp import running_smtp, use_smtp

PASSWORD = "relay-pässwörd"


async def test_a_password_smtplib_cannot_send_is_a_retry_not_a_stuck_job(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_smtp(
        security="tls", tls_dir=tmp_path / "smtp", user="relay", password=PASSWORD
    ) as server:
        assert server.ca_file is not None
        monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
        use_smtp(runtime, server)
        first = await queue_mail(runtime)
        second = await queue_mail(runtime, to_address="lee@example.org")
        assert await send_due(runtime, "worker-1") == 2
        assert server.received == []
    for job_id in (first, second):
        job = await mail_job(runtime, job_id)
        assert (job.status, job.attempts, job.locked_by) == ("queued", 1, None)
        assert job.last_error is not None and "not ASCII" in job.last_error
        assert not set("äö") & set(job.last_error)
