"""A site message end to end: sent through the API, carried by the mail sender to a real SMTP
server (aiosmtpd), answered to its sender (``Reply-To``), and its ``delivery_status`` rolled up
to ``sent`` for the API to show."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.mail import send_all
from tests.support.services import assignor_site
from tests.support.smtp import SmtpServer, running_smtp, use_smtp


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    async with running_smtp() as server:
        yield server


async def test_a_message_reaches_each_recipient_and_answers_to_its_sender(
    client: httpx.AsyncClient, runtime: Runtime, smtp: SmtpServer
) -> None:
    use_smtp(runtime, smtp)
    site, assignor = await assignor_site(runtime, name="Harbor Referees")
    async with runtime.db.transaction() as session:
        sender = await session.get(type(assignor.user), assignor.user.id)
        assert sender is not None
        sender.email_addresses = ["assignor@harbor.example"]
    alex = await create_member(runtime, site, email_addresses=["alex@example.org"])
    kim = await create_member(runtime, site, email_addresses=["kim@example.org"])

    sent = await client.post(
        f"/api/v2/sites/{site.id}/messages",
        json={
            "recipient_ids": [alex.user.id, kim.user.id],
            "subject": "Field change",
            "body": "Games at Riverside move to Field 3.",
        },
        headers=assignor.headers,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["delivery_status"] == "queued"

    assert await send_all(runtime) == 2
    received = {r.rcpt_tos[0]: r.message for r in smtp.received}
    assert set(received) == {"alex@example.org", "kim@example.org"}
    for mail in received.values():
        assert mail["Reply-To"] == "assignor@harbor.example"
        assert "Field change" in mail["Subject"]
        assert "Auto-Submitted" not in mail
        text = mail.get_body(preferencelist=("plain",))
        assert text is not None and "Field 3" in text.get_content()

    shown = await client.get(f"/api/v2/messages/{sent.json()['id']}", headers=assignor.headers)
    assert shown.status_code == 200
    assert shown.json()["delivery_status"] == "sent"
