"""What the worker holds in memory never shows a secret in a ``repr`` (tracebacks, debug
logs, "Task exception was never retrieved"): a claimed delivery's signing secret and target,
an e-mail's bodies (accept/decline and invitation links) and its wire bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from refdesk.server.config import Settings
from refdesk.server.db.base import utcnow
from refdesk.server.events import delivery, dispatch
from refdesk.server.events.mail_message import OutgoingMail, envelope
from refdesk.server.events.mail_queue import enqueue_mail
from refdesk.server.events.models import MailJob
from refdesk.server.runtime import Runtime
from tests.factories import create_site
from tests.support.webhooks import create_subscription, delivery_settings, record_game_event

LINK = "https://refs.example.org/respond/a-1-2-3-4-" + "f" * 64


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return delivery_settings(tmp_path, database_url)


async def test_a_claimed_delivery_shows_neither_secret_nor_target(runtime: Runtime) -> None:
    site = await create_site(runtime)
    target = "http://127.0.0.1:9/hook?token=receiver-token-123"
    _subscription, secret = await create_subscription(runtime, site.id, target)
    await record_game_event(runtime, site.id)
    assert await dispatch.dispatch_pending(runtime) == 1
    [job] = await delivery.claim(runtime, "reprs", 5, utcnow())
    assert job.secret == secret and job.target_url == target
    for shown in (repr(job), str(job)):
        assert secret not in shown and "receiver-token-123" not in shown
        assert f"delivery_id={job.delivery_id}" in shown


async def test_an_outgoing_mail_shows_no_body(runtime: Runtime) -> None:
    async with runtime.db.transaction() as session:
        job = enqueue_mail(
            session,
            kind="assigned",
            to_address="official@example.org",
            subject="New game",
            text_body=f"Accept: {LINK}",
            html_body=f'<a href="{LINK}">Accept</a>',
        )
    async with runtime.db.session() as session:
        row = await session.scalar(select(MailJob).where(MailJob.id == job.id))
        assert row is not None
        mail = OutgoingMail.of(row)
    wire = envelope(mail, "refdesk <refdesk@example.org>")
    assert LINK.encode() in wire.data.replace(b"=\r\n", b"")
    for shown in (repr(mail), repr(wire)):
        assert "respond/" not in shown, shown
        assert "official@example.org" in shown
