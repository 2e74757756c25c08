"""Issue 11 end to end, every part real: a subscription made through the API, an assignment
made through the API (the service records the events in its transaction), the events worker
fanning them out to a loopback webhook receiver (signatures checked as the README's recipe
does) and to a real SMTP server (the official's ``assigned`` e-mail), the e-mail's accept
link used over HTTP, and the resulting ``assignment.accepted`` / ``game.official.changed``
delivered in turn."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from refdesk.server.config import Settings
from refdesk.server.events.worker import Worker
from refdesk.server.runtime import Runtime
from tests.support.notify import assign, build_desk, respond_paths
from tests.support.receiver import Received, receiver
from tests.support.smtp import SmtpServer, running_smtp, use_smtp
from tests.support.webhooks import delivery_settings, run_until


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return delivery_settings(tmp_path, database_url)


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    async with running_smtp() as server:
        yield server


def signed_by(secret: str, request: Received) -> bool:
    parts = dict(p.split("=", 1) for p in request.header("X-Refdesk-Signature").split(","))
    message = f"{parts['t']}.{request.header('X-Event-Id')}.".encode() + request.body
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


async def test_assign_notify_accept_by_mail_link_and_deliver_every_event(
    client: httpx.AsyncClient, runtime: Runtime, smtp: SmtpServer
) -> None:
    use_smtp(runtime, smtp)
    desk = await build_desk(client, runtime)
    ref = desk.officials[0]
    slot = desk.slot_ids[0]
    async with receiver() as hook:
        created = await client.post(
            f"/api/v2/sites/{desk.site_id}/webhook_subscriptions",
            json={
                "target_url": hook.url(),
                "event_types": ["game.official.changed", "assignment.accepted"],
            },
            headers=desk.assignor.headers,
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]

        await assign(client, desk, slot, ref)
        worker = Worker(runtime, "e2e-worker")
        try:

            async def assigned_and_mailed() -> bool:
                return len(hook.requests) >= 1 and len(smtp.received) >= 1

            await run_until(worker, assigned_and_mailed)
            [first] = hook.requests
            body = json.loads(first.body)
            assert body["topic"] == "game.official.changed"
            assert body["data"] == {
                "action": "assigned",
                "user_id": ref.user.id,
                "previous_user_id": None,
            }
            assert body["_links"]["resource"]["href"].endswith(f"/api/v2/assignments/{slot}.json")
            assert signed_by(secret, first)

            [mail] = smtp.received
            assert mail.rcpt_tos == [ref.account.email]
            assert mail.message["X-Refdesk-Kind"] == "assigned"
            text = mail.message.get_body(preferencelist=("plain",))
            assert text is not None
            links = respond_paths(text.get_content())
            assert set(links) == {"accept", "decline"}

            # The official follows the accept link from the e-mail.
            page = await client.get(links["accept"])
            assert page.status_code == 200 and "<form" in page.text
            done = await client.post(links["accept"], data={})
            assert done.status_code == 200, done.text

            async def accepted_delivered() -> bool:
                return len(hook.requests) >= 3

            await run_until(worker, accepted_delivered)
        finally:
            await worker.aclose()

    later = [json.loads(r.body) for r in hook.requests[1:]]
    assert sorted(e["topic"] for e in later) == ["assignment.accepted", "game.official.changed"]
    changed = next(e for e in later if e["topic"] == "game.official.changed")
    assert changed["data"]["action"] == "accepted"
    assert all(signed_by(secret, r) for r in hook.requests)
    ids = [json.loads(r.body)["id"] for r in hook.requests]
    assert len(set(ids)) == 3  # order across events is best effort (§19.2)
